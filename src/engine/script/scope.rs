//! The names a script has bound: every name with its newest node, in order of first
//! assignment, found through a hash table of positions in that list. Names are slices of
//! the source: a million statements are not a million allocations.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

use crate::engine::node::NodeId;

/// A bound name: its newest node, and whether that node is an input.
#[derive(Clone, Copy)]
struct Binding<'a> {
    name: &'a str,
    /// The name's first 8 bytes (zero after its end): a short name is compared here,
    /// beside the node, rather than in the source text, which is one more cache miss on
    /// a large script.
    head: u64,
    node: NodeId,
    input: bool,
}

/// The first 8 bytes of `name`, zero after its end.
fn head_of(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut head = [0u8; 8];
    let n = bytes.len().min(8);
    head[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(head)
}

impl Binding<'_> {
    /// Whether this binding is of `name`, whose first bytes are `head`.
    fn is(&self, name: &str, head: u64) -> bool {
        self.head == head
            && self.name.len() == name.len()
            && (name.len() <= 8 || self.name.as_bytes()[8..] == name.as_bytes()[8..])
    }
}

/// Every name with its newest node, in order of first assignment.
///
/// The table holds only each name's position in `bindings` (4 bytes a slot, as
/// `indexmap` does with 8): a script of a million names has a table of 10 MB rather than
/// the 50 MB of a map from names to places, and a lookup misses the cache less.
#[derive(Default)]
pub(super) struct Scope<'a> {
    bindings: Vec<Binding<'a>>,
    /// Positions in `bindings`, found by the hash of the name there.
    places: HashTable<u32>,
}

/// A name bound to an input is named again: inputs are assigned once.
pub(super) struct InputAssigned;

/// Hashed with Fx rather than SipHash: names are short, and a local script needs no
/// protection from chosen collisions.
fn hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

impl<'a> Scope<'a> {
    /// An empty scope with room for one name per line of `source`: a statement binds at
    /// most one new name, and a script is mostly one statement a line, so the table is
    /// sized once instead of rehashing every name at each doubling.
    pub(super) fn for_source(source: &str) -> Self {
        let lines = count_newlines(source.as_bytes()) + 1;
        Self {
            bindings: Vec::with_capacity(lines),
            places: HashTable::with_capacity(lines),
        }
    }

    /// The binding of `name`.
    fn find(&self, name: &str) -> Option<&Binding<'a>> {
        let bindings = &self.bindings;
        let head = head_of(name);
        let index = self
            .places
            .find(hash(name), |&i| bindings[i as usize].is(name, head))?;
        bindings.get(*index as usize)
    }

    /// The newest node of `name`.
    pub(super) fn get(&self, name: &str) -> Option<NodeId> {
        self.find(name).map(|binding| binding.node)
    }

    /// Whether `name` is bound to an input.
    pub(super) fn is_input(&self, name: &str) -> bool {
        self.find(name).is_some_and(|binding| binding.input)
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
        let bindings = &mut self.bindings;
        let head = head_of(name);
        let entry = self.places.entry(
            hash(name),
            |&i| bindings[i as usize].is(name, head),
            |&i| hash(bindings[i as usize].name),
        );
        match entry {
            Entry::Occupied(entry) => {
                let binding = &mut bindings[*entry.get() as usize];
                if refuse_input && binding.input {
                    return Err(InputAssigned);
                }
                binding.node = node;
                binding.input = input;
            }
            Entry::Vacant(entry) => {
                // Fewer names than bytes, and the parser refuses a text of 4 GiB or more.
                let index = u32::try_from(bindings.len()).unwrap_or(u32::MAX);
                entry.insert(index);
                bindings.push(Binding {
                    name,
                    head,
                    node,
                    input,
                });
            }
        }
        Ok(())
    }

    /// Every name with its newest node, in order of first assignment.
    pub(super) fn into_bindings(self) -> Vec<(&'a str, NodeId)> {
        self.bindings
            .into_iter()
            .map(|binding| (binding.name, binding.node))
            .collect()
    }
}

/// The number of `\n` bytes, counted in blocks a compiler turns into vector instructions
/// (a byte counter per block of 255 cannot overflow).
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            block
                .iter()
                .fold(0u8, |count, &b| count + u8::from(b == b'\n'))
        })
        .map(usize::from)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::{Scope, count_newlines};
    use crate::engine::node::NodeId;

    #[test]
    fn newlines_are_counted_across_blocks() {
        let text = "a\n".repeat(1000) + "b";
        assert_eq!(count_newlines(text.as_bytes()), 1000);
        assert_eq!(count_newlines(b""), 0);
    }

    #[test]
    fn names_sharing_their_first_bytes_stay_apart() {
        // Compared by their first 8 bytes, then by length and the rest.
        let names = [
            "abcdefgh",
            "abcdefghi",
            "abcdefghj",
            "abcdefg",
            "abcdefgh\0",
            "a",
        ];
        let mut scope = Scope::for_source("");
        for (k, name) in names.into_iter().enumerate() {
            assert!(scope.bind(name, NodeId::new(k), false).is_ok());
        }
        for (k, name) in names.into_iter().enumerate() {
            assert_eq!(scope.get(name), Some(NodeId::new(k)), "{name:?}");
        }
        assert_eq!(scope.get("abcdefgi"), None);
        assert_eq!(scope.get("abcdefghk"), None);
        assert_eq!(scope.get("abcdefgh\0\0"), None);
    }

    #[test]
    fn names_keep_their_first_order_and_newest_node() {
        let mut scope = Scope::for_source("");
        let names = ["x", "y", "x", "z", "y"];
        for (k, name) in names.into_iter().enumerate() {
            assert!(scope.bind(name, NodeId::new(k), false).is_ok());
        }
        assert!(scope.bind("w", NodeId::new(9), true).is_ok());
        assert!(scope.bind("w", NodeId::new(10), false).is_err());
        assert!(scope.is_input("w"));
        assert_eq!(scope.get("x"), Some(NodeId::new(2)));
        assert_eq!(scope.get("q"), None);
        let order: Vec<_> = scope.into_bindings();
        assert_eq!(
            order,
            vec![
                ("x", NodeId::new(2)),
                ("y", NodeId::new(4)),
                ("z", NodeId::new(3)),
                ("w", NodeId::new(9)),
            ]
        );
    }
}
