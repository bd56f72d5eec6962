//! The names a script has bound: every name with its newest node, in order of first
//! assignment, found through a hash map. Names are slices of the source: a million
//! statements are not a million allocations.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rustc_hash::FxBuildHasher;

use crate::engine::node::NodeId;

/// Where a name's binding is in the list, and whether its node is an input.
#[derive(Clone, Copy)]
struct Place {
    /// Index into the bindings (`u32`: the script is under 4 GiB, so it holds fewer
    /// names, and the map's entries stay 24 bytes).
    index: u32,
    input: bool,
}

/// Every name with its newest node, in order of first assignment.
#[derive(Default)]
pub(super) struct Scope<'a> {
    bindings: Vec<(&'a str, NodeId)>,
    /// Hashed with Fx rather than SipHash: names are short, and a local script needs no
    /// protection from chosen collisions.
    places: HashMap<&'a str, Place, FxBuildHasher>,
}

/// A name bound to an input is named again: inputs are assigned once.
pub(super) struct InputAssigned;

impl<'a> Scope<'a> {
    /// An empty scope with room for one name per line of `source`: a statement binds at
    /// most one new name, and a script is mostly one statement a line, so the table is
    /// sized once instead of rehashing every name at each doubling.
    pub(super) fn for_source(source: &str) -> Self {
        let lines = source.bytes().filter(|&b| b == b'\n').count() + 1;
        Self {
            bindings: Vec::with_capacity(lines),
            places: HashMap::with_capacity_and_hasher(lines, FxBuildHasher),
        }
    }

    /// The newest node of `name`.
    pub(super) fn get(&self, name: &str) -> Option<NodeId> {
        let place = self.places.get(name)?;
        Some(self.bindings[place.index as usize].1)
    }

    /// Whether `name` is bound to an input.
    pub(super) fn is_input(&self, name: &str) -> bool {
        self.places.get(name).is_some_and(|place| place.input)
    }

    /// Binds `name` to `node`, unless it is bound to an input already.
    pub(super) fn bind(
        &mut self,
        name: &'a str,
        node: NodeId,
        input: bool,
    ) -> Result<(), InputAssigned> {
        self.bind_unless(name, node, input, true)
    }

    /// Binds a name the caller gives to an input (a name given twice: the later one).
    pub(super) fn bind_external(&mut self, name: &'a str, node: NodeId) {
        let _ = self.bind_unless(name, node, true, false);
    }

    /// Binds `name` to `node`; with `refuse_input`, not when it is bound to an input.
    fn bind_unless(
        &mut self,
        name: &'a str,
        node: NodeId,
        input: bool,
        refuse_input: bool,
    ) -> Result<(), InputAssigned> {
        match self.places.entry(name) {
            Entry::Occupied(mut entry) => {
                let place = entry.get_mut();
                if refuse_input && place.input {
                    return Err(InputAssigned);
                }
                place.input = input;
                self.bindings[place.index as usize].1 = node;
            }
            Entry::Vacant(entry) => {
                let index = u32::try_from(self.bindings.len()).unwrap_or(u32::MAX);
                entry.insert(Place { index, input });
                self.bindings.push((name, node));
            }
        }
        Ok(())
    }

    /// Every name with its newest node, in order of first assignment.
    pub(super) fn into_bindings(self) -> Vec<(&'a str, NodeId)> {
        self.bindings
    }
}
