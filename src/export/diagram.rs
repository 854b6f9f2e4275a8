//! The data-flow diagram as plain data, for every drawing format: assets as nodes shaped by
//! their kind, flows as edges labelled with their protocol and data, trust boundaries as nested
//! clusters, and the mark of each asset and flow.

use hashbrown::HashMap;

use crate::analysis::{SourceFile, Workspace};
use crate::model::{Detail, Element, Spanned};

use super::marks::{self, Mark};

/// The classic data-flow diagram elements, and what an asset without a known kind is drawn as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    Process,
    Datastore,
    ExternalEntity,
    Actor,
    /// An asset with no kind (defined in code), or a flow's end that names no asset.
    Unknown,
}

impl Shape {
    fn of(kind: Option<&str>) -> Shape {
        match kind {
            Some("process") => Shape::Process,
            Some("datastore") => Shape::Datastore,
            Some("external-entity") => Shape::ExternalEntity,
            Some("actor") => Shape::Actor,
            _ => Shape::Unknown,
        }
    }
}

#[derive(Debug)]
pub(super) struct Node {
    pub label: String,
    pub shape: Shape,
    pub mark: Mark,
    pub cluster: Option<usize>,
}

#[derive(Debug)]
pub(super) struct Edge {
    pub from: usize,
    pub to: usize,
    /// The protocol, then the data items' names; each a line, none when nothing is written.
    pub label: Vec<String>,
    pub mark: Mark,
}

#[derive(Debug)]
pub(super) struct Cluster {
    pub label: String,
    /// Always an earlier cluster, so the nesting has no cycle.
    pub parent: Option<usize>,
}

#[derive(Debug, Default)]
pub(super) struct Diagram {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub clusters: Vec<Cluster>,
}

impl Diagram {
    pub(super) fn of(ws: &Workspace) -> Diagram {
        let elements = super::elements(ws);
        let marks = marks::of_targets(ws);
        let mark = |id: &str| marks.get(id).copied().unwrap_or_default();
        let name = |e: &Element| e.name.as_ref().map_or_else(|| e.id.value.clone(), |n| n.value.clone());
        let clusters = Clusters::of(&elements, name);

        let mut diagram = Diagram::default();
        let mut node_of: HashMap<&str, usize> = HashMap::new();
        for (_, e) in &elements {
            let Detail::Asset { asset_kind, boundary } = &e.detail else { continue };
            node_of.insert(&e.id.value, diagram.nodes.len());
            diagram.nodes.push(Node {
                label: name(e),
                shape: Shape::of(asset_kind.as_ref().map(|k| k.value.as_str())),
                mark: mark(&e.id.value),
                cluster: boundary.as_ref().and_then(|b| clusters.index.get(b.value.as_str()).copied()),
            });
        }
        let data_names: HashMap<&str, String> = elements
            .iter()
            .filter(|(_, e)| matches!(e.detail, Detail::Data { .. }))
            .map(|(_, e)| (e.id.value.as_str(), name(e)))
            .collect();
        for (_, e) in &elements {
            let Detail::Flow { from: Some(from), to: Some(to), via, data } = &e.detail else { continue };
            let (from, to) = (diagram.node(&mut node_of, from), diagram.node(&mut node_of, to));
            let data: Vec<&str> = data
                .iter()
                .map(|d| data_names.get(d.value.as_str()).map_or(d.value.as_str(), String::as_str))
                .collect();
            let label =
                via.iter().map(|v| v.value.clone()).chain((!data.is_empty()).then(|| data.join(", "))).collect();
            diagram.edges.push(Edge { from, to, label, mark: mark(&e.id.value) });
        }
        diagram.clusters = clusters.keep_used(&mut diagram.nodes);
        diagram
    }

    /// The node of a flow's end; one that names no asset gets a node of its own, so the flow
    /// still shows (its reference is reported by `threatls check`).
    fn node<'a>(&mut self, node_of: &mut HashMap<&'a str, usize>, end: &'a Spanned<String>) -> usize {
        *node_of.entry(end.value.as_str()).or_insert_with(|| {
            self.nodes.push(Node { label: end.value.clone(), shape: Shape::Unknown, mark: Mark::Clear, cluster: None });
            self.nodes.len() - 1
        })
    }

    /// The clusters directly inside `parent` (top level for `None`).
    pub(super) fn clusters_in(&self, parent: Option<usize>) -> impl Iterator<Item = (usize, &Cluster)> {
        self.clusters.iter().enumerate().filter(move |(_, c)| c.parent == parent)
    }

    /// The nodes directly inside `cluster` (top level for `None`).
    pub(super) fn nodes_in(&self, cluster: Option<usize>) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes.iter().enumerate().filter(move |(_, n)| n.cluster == cluster)
    }
}

/// A boundary and the id of the boundary it sits in.
type Boundary<'a> = (&'a Element, Option<&'a str>);

/// Trust boundaries, ordered so that each comes after the boundary it sits in.
struct Clusters<'a> {
    list: Vec<Cluster>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Clusters<'a> {
    fn of(elements: &[(&'a SourceFile, &'a Element)], name: impl Fn(&Element) -> String) -> Clusters<'a> {
        let boundaries: Vec<(&'a str, Boundary<'a>)> = elements
            .iter()
            .filter_map(|(_, e)| match &e.detail {
                Detail::Boundary { parent } => {
                    Some((e.id.value.as_str(), (*e, parent.as_ref().map(|p| p.value.as_str()))))
                }
                _ => None,
            })
            .collect();
        let by_id: HashMap<&str, Boundary<'a>> = boundaries.iter().copied().collect();
        let mut out = Clusters { list: Vec::new(), index: HashMap::new() };
        for (id, _) in &boundaries {
            out.add(id, &by_id, &name, 0);
        }
        out
    }

    /// Adds a boundary after its ancestors. A parent that is not a boundary, or that would
    /// close a cycle (found by a depth past the number of boundaries), leaves the boundary at
    /// the top level.
    fn add(
        &mut self,
        id: &'a str,
        by_id: &HashMap<&'a str, Boundary<'a>>,
        name: &impl Fn(&Element) -> String,
        depth: usize,
    ) -> Option<usize> {
        if let Some(&i) = self.index.get(id) {
            return Some(i);
        }
        let (element, parent) = by_id.get(id).filter(|_| depth <= by_id.len())?;
        let parent = parent.and_then(|p| self.add(p, by_id, name, depth + 1));
        // Through a cycle, the recursion may have added this boundary already.
        if let Some(&i) = self.index.get(id) {
            return Some(i);
        }
        self.index.insert(id, self.list.len());
        self.list.push(Cluster { label: name(element), parent });
        Some(self.list.len() - 1)
    }

    /// The clusters that hold a node, directly or through a nested one, renumbered; the nodes
    /// are renumbered to match.
    fn keep_used(self, nodes: &mut [Node]) -> Vec<Cluster> {
        let mut used = vec![false; self.list.len()];
        for node in nodes.iter() {
            let mut at = node.cluster;
            while let Some(i) = at {
                match used.get_mut(i) {
                    Some(u) if !*u => *u = true,
                    _ => break,
                }
                at = self.list.get(i).and_then(|c| c.parent);
            }
        }
        let mut renumbered = Vec::with_capacity(self.list.len());
        let mut kept = Vec::new();
        for (cluster, used) in self.list.into_iter().zip(&used) {
            renumbered.push(used.then_some(kept.len()));
            if *used {
                kept.push(cluster);
            }
        }
        let new = |i: Option<usize>| i.and_then(|i| renumbered.get(i).copied().flatten());
        for cluster in &mut kept {
            cluster.parent = new(cluster.parent);
        }
        for node in nodes {
            node.cluster = new(node.cluster);
        }
        kept
    }
}
