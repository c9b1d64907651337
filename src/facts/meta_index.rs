//! Look-ups over `cargo metadata` that checks make per member: which
//! package a member is, packages by name, resolve nodes by id. Built once;
//! `Metadata::workspace_packages` and linear searches per member made
//! large workspaces quadratic (400 members × 3 000 packages spent over half
//! a run's instructions there).

use std::collections::HashMap;
use std::path::Path;

use cargo_metadata::{Metadata, Node, Package, PackageId};

use super::files;

/// Indices into one [`Metadata`]'s `packages` and `resolve.nodes`.
#[derive(Debug, Clone, Default)]
pub struct MetaIndex {
    /// Workspace members by manifest path relative to the workspace root.
    members: HashMap<String, usize>,
    /// Every package by name (several versions possible).
    by_name: HashMap<String, Vec<usize>>,
    /// Resolve nodes by package id.
    nodes: HashMap<PackageId, usize>,
}

impl MetaIndex {
    /// Indexes `meta`, whose workspace root is `root`.
    pub fn new(meta: &Metadata, root: &Path) -> MetaIndex {
        let member_ids: std::collections::HashSet<&PackageId> =
            meta.workspace_members.iter().collect();
        let mut index = MetaIndex::default();
        for (i, p) in meta.packages.iter().enumerate() {
            index.by_name.entry(p.name.to_string()).or_default().push(i);
            if member_ids.contains(&p.id) {
                index
                    .members
                    .insert(files::relative(root, p.manifest_path.as_std_path()), i);
            }
        }
        if let Some(resolve) = &meta.resolve {
            index.nodes = resolve
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.clone(), i))
                .collect();
        }
        index
    }

    /// The member package whose manifest is at `manifest` (relative).
    pub fn member<'m>(&self, meta: &'m Metadata, manifest: &str) -> Option<&'m Package> {
        self.members
            .get(manifest)
            .and_then(|&i| meta.packages.get(i))
    }

    /// Every package named `name`.
    pub fn named<'m, 's>(
        &'s self,
        meta: &'m Metadata,
        name: &str,
    ) -> impl Iterator<Item = &'m Package> + use<'m, 's> {
        self.by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(move |&i| meta.packages.get(i))
    }

    /// The resolve node of `id`.
    pub fn node<'m>(&self, meta: &'m Metadata, id: &PackageId) -> Option<&'m Node> {
        let i = *self.nodes.get(id)?;
        meta.resolve.as_ref()?.nodes.get(i)
    }
}
