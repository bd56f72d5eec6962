//! The names a script has bound: every name with its newest node, found through an
//! open-addressing hash table.
//!
//! Names are byte ranges of the source: a million statements must not mean a million
//! allocations. At a million names the table (8 MB) and the bindings (12 MB) are far
//! bigger than the processor's caches, and a lookup that waits for memory costs more than
//! the rest of a statement's parsing; the table is laid out so that a lookup touches as
//! little memory as it can (see [`Scope::find`] and [`Scope::prefetch`]).

use crate::engine::graph::NodeId;

/// A name and its newest node in 12 bytes: the name as a byte range of the source (or,
/// with [`EXTERNAL`] set in `len`, an index into the names bound from outside it).
#[derive(Debug, Clone, Copy)]
pub(super) struct Binding {
    pub(super) start: u32,
    pub(super) len: u32,
    pub(super) node: NodeId,
}

/// Marks a [`Binding`] whose name was given by the caller, not written in the source.
const EXTERNAL: u32 = 1 << 31;

/// Marks a slot whose name is bound to an input (which may not be assigned again).
const INPUT_BIT: u32 = 1 << 31;

/// Every name with its newest node, in order of first assignment, and the hash table
/// that finds them.
pub(super) struct Scope<'a> {
    source: &'a str,
    /// Names bound by the caller ([`super::parse_expression`]'s variables).
    external: Vec<&'a str>,
    bindings: Vec<Binding>,
    /// One `u32` a slot: the binding's index + 1 in the low `bits` bits (0: empty), the
    /// [`INPUT_BIT`] when the newest binding is an input, and in the bits between them a
    /// tag (more bits of the name's hash). A probe that meets another name's slot rejects
    /// it by the tag, without reading that binding and its name: those are two cache
    /// misses each, and linear probing meets one or two other names per lookup. The
    /// length is `1 << bits`, at most half full.
    slots: Vec<u32>,
    bits: u32,
}

/// A name's hash: FNV-1a, since names are short and a general-purpose hash costs more
/// than the rest of a statement's parsing (no untrusted-input DoS concern for a local
/// script), multiplied once more (Fibonacci hashing) because FNV's low bits are poorly
/// mixed and names such as x1, x2, ... differ only there. The table uses the top bits.
#[derive(Clone, Copy)]
pub(super) struct NameHash(u64);

impl NameHash {
    pub(super) fn of(name: &[u8]) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &byte in name {
            h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        Self(h.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The home slot in a table of `1 << bits` slots: the top `bits` bits.
    fn home(self, bits: u32) -> usize {
        (self.0 >> (64 - bits)) as usize
    }

    /// The tag in a table of `1 << bits` slots: the hash bits below the home bits, placed
    /// in the slot's bits above the index (none when the index needs 31 bits).
    fn tag(self, bits: u32) -> u32 {
        ((self.0 << bits) >> 33) as u32 & tag_mask(bits)
    }
}

/// The bits of a slot that hold the binding's index + 1.
fn index_mask(bits: u32) -> u32 {
    (((1u64 << bits) - 1) as u32) & !INPUT_BIT
}

/// The bits of a slot that hold the tag.
fn tag_mask(bits: u32) -> u32 {
    !index_mask(bits) & !INPUT_BIT
}

/// Where a name is in the table: its slot and what the slot holds. Valid until the next
/// binding.
#[derive(Clone, Copy)]
pub(super) struct Lookup {
    // 16 bytes: returned and passed in two registers, not through memory.
    slot: u32,
    /// The binding's index + 1, 0 when the name is not bound.
    index: u32,
    tag: u32,
    input: bool,
}

impl Lookup {
    /// Whether the name is bound to an input.
    pub(super) fn is_input(self) -> bool {
        self.input
    }

    fn index(self) -> Option<usize> {
        (self.index as usize).checked_sub(1)
    }
}

/// Starts loading the cache line at `pointer`, so that a later read does not wait for
/// memory: the processor goes on with other work meanwhile.
#[inline(always)]
fn prefetch<T>(pointer: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint to the cache. It reads nothing the program sees
    // and never faults, whatever the address (here one inside the table anyway).
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(pointer.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = pointer;
}

impl<'a> Scope<'a> {
    pub(super) fn new(source: &'a str) -> Self {
        const BITS: u32 = 6;
        Self {
            source,
            external: Vec::new(),
            bindings: Vec::new(),
            slots: vec![0; 1 << BITS],
            bits: BITS,
        }
    }

    /// The text the names are written in.
    pub(super) fn source(&self) -> &'a str {
        self.source
    }

    /// The bindings, in order of first assignment.
    pub(super) fn into_bindings(self) -> Vec<Binding> {
        self.bindings
    }

    /// A binding's name, as bytes (a slice of bytes needs no check of character
    /// boundaries, and names are compared byte by byte).
    fn name(&self, binding: &Binding) -> &'a [u8] {
        if binding.len & EXTERNAL != 0 {
            let external = self.external.get(binding.start as usize);
            return external.map_or(&[], |name| name.as_bytes());
        }
        let (start, len) = (binding.start as usize, binding.len as usize);
        self.source
            .as_bytes()
            .get(start..start + len)
            .unwrap_or_default()
    }

    /// Starts loading the home slot of a name, for a [`Scope::find`] some work later: the
    /// parser asks for the name a statement assigns before it parses the right side, and
    /// finds it after, so that at a million names the slot's cache miss overlaps with
    /// parsing instead of stalling it.
    pub(super) fn prefetch(&self, hash: NameHash) {
        prefetch(self.slots.as_ptr().wrapping_add(hash.home(self.bits)));
    }

    /// The slot holding `name` (whose hash is `hash`), or the empty slot where it would go.
    pub(super) fn find(&self, name: &[u8], hash: NameHash) -> Lookup {
        let (index_mask, tag_mask) = (index_mask(self.bits), tag_mask(self.bits));
        let tag = hash.tag(self.bits);
        let mask = self.slots.len() - 1;
        let mut slot = hash.home(self.bits);
        loop {
            let entry = self.slots[slot];
            let index = entry & index_mask;
            let found = Lookup {
                // The table has at most 2^31 slots (fewer than 2^30 names).
                slot: slot as u32,
                index,
                tag,
                input: entry & INPUT_BIT != 0,
            };
            if index == 0 {
                return found;
            }
            // `memcmp`: a byte loop's exit, at a length that varies from name to name, is
            // a branch the processor mispredicts.
            if entry & tag_mask == tag && self.name(&self.bindings[index as usize - 1]) == name {
                return found;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The newest binding of `name`.
    pub(super) fn get(&self, name: &[u8]) -> Option<NodeId> {
        let lookup = self.find(name, NameHash::of(name));
        lookup.index().map(|k| self.bindings[k].node)
    }

    /// Binds the name `lookup` was made for (`start`, `len`: where it is written) to `node`.
    pub(super) fn bind_at(
        &mut self,
        lookup: Lookup,
        start: u32,
        len: u32,
        node: NodeId,
        is_input: bool,
    ) {
        let flag = if is_input { INPUT_BIT } else { 0 };
        match lookup.index() {
            None => {
                self.bindings.push(Binding { start, len, node });
                // Fewer than 2^30 names fit in a source under 4 GiB (checked before
                // parsing), so the index fits in the table's index bits.
                let index = u32::try_from(self.bindings.len()).unwrap_or(u32::MAX);
                self.slots[lookup.slot as usize] =
                    lookup.tag | (index & index_mask(self.bits)) | flag;
                if self.bindings.len() * 2 > self.slots.len() {
                    self.grow();
                }
            }
            Some(k) => {
                self.bindings[k].node = node;
                let slot = lookup.slot as usize;
                self.slots[slot] = (self.slots[slot] & !INPUT_BIT) | flag;
            }
        }
    }

    /// Binds a name the caller gives (not written in the source) to an input.
    pub(super) fn bind_external(&mut self, name: &'a str, id: NodeId) {
        let lookup = self.find(name.as_bytes(), NameHash::of(name.as_bytes()));
        let index = u32::try_from(self.external.len()).unwrap_or(u32::MAX);
        self.external.push(name);
        self.bind_at(lookup, index, EXTERNAL, id, true);
    }

    /// Doubles the table. It is refilled in the order of the bindings, whose names lie in
    /// increasing order in the source: the names are read as one stream, not one cache
    /// miss each as in the table's own order (at a million names, that took a sixth of
    /// `grad`'s time).
    fn grow(&mut self) {
        let old_index = index_mask(self.bits);
        let mut input = vec![false; self.bindings.len()];
        for &entry in &self.slots {
            if entry & INPUT_BIT != 0 {
                input[(entry & old_index) as usize - 1] = true;
            }
        }
        let bits = self.bits + 1;
        let size = 1usize << bits;
        self.slots = Vec::new();
        let mut slots = vec![0; size];
        for (k, (binding, &is_input)) in self.bindings.iter().zip(&input).enumerate() {
            let hash = NameHash::of(self.name(binding));
            let mut slot = hash.home(bits);
            while slots[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            let flag = if is_input { INPUT_BIT } else { 0 };
            slots[slot] = hash.tag(bits) | (k as u32 + 1) | flag;
        }
        self.slots = slots;
        self.bits = bits;
    }
}

#[cfg(test)]
mod tests {
    use super::{NameHash, Scope};
    use crate::engine::graph::NodeId;

    /// Names that share their home slot and tag bits are still told apart by their text,
    /// and every binding survives the table's growth with its node and input flag.
    #[test]
    fn finds_every_name_across_growth() {
        let names: Vec<String> = (0..5000).map(|i| format!("n{i}")).collect();
        let source = names.join(" ");
        let mut scope = Scope::new(&source);
        let mut start = 0;
        for (i, name) in names.iter().enumerate() {
            let lookup = scope.find(name.as_bytes(), NameHash::of(name.as_bytes()));
            assert!(lookup.index().is_none(), "{name} is new");
            let node = NodeId::new(i);
            scope.bind_at(lookup, start as u32, name.len() as u32, node, i % 3 == 0);
            start += name.len() + 1;
        }
        for (i, name) in names.iter().enumerate() {
            let lookup = scope.find(name.as_bytes(), NameHash::of(name.as_bytes()));
            assert_eq!(scope.get(name.as_bytes()), Some(NodeId::new(i)));
            assert_eq!(lookup.is_input(), i % 3 == 0, "{name}");
        }
        assert_eq!(scope.get(b"n5000"), None);
        assert_eq!(scope.get(b"n"), None);
    }

    /// Every bit of a slot has one job: index, tag and input flag never overlap, at every
    /// table size.
    #[test]
    fn slot_fields_are_disjoint() {
        for bits in 6..=31 {
            let (index, tag) = (super::index_mask(bits), super::tag_mask(bits));
            assert_eq!(index & tag, 0);
            assert_eq!(index | tag | super::INPUT_BIT, u32::MAX);
            let hash = NameHash::of(b"x1");
            assert_eq!(hash.tag(bits) & !tag, 0);
            assert!(hash.home(bits) < 1 << bits);
        }
    }
}
