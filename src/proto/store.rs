//! The store of untagged responses, keyed by response name (imaplib's `untagged_responses`),
//! bounded by the memory it really takes.
//!
//! The weight of the store is what its contents cost the process, not their payload: each
//! item's buffers by capacity with the allocator's overhead ([`Item::weight`]), each name's
//! list of items by capacity (its growth is controlled here, and while it grows the old and
//! the new list both count), and each name's key and table slot (a fixed upper bound covering
//! the table's spare room and its growth). So the limit bounds the heap the store can take.

use crate::proto::response::{alloc_cost, Item};
use crate::proto::ProtoError;
use std::collections::{HashMap, VecDeque};
use std::mem::size_of;

#[derive(Debug, Default)]
pub struct UntaggedStore {
    map: HashMap<String, Vec<Item>>,
    weight: u64,
    max: u64,
    /// While IDLE runs, responses queue here in arrival order instead (imaplib's Idler).
    capture: Option<VecDeque<(String, Vec<Item>)>>,
}

fn weigh(items: &[Item]) -> u64 {
    items.iter().map(Item::weight).sum()
}

/// A list of `cap` items.
fn list_cost(cap: usize) -> u64 {
    alloc_cost(cap.saturating_mul(size_of::<Item>()))
}

/// A name in the table (or a response in the capture queue): its slot, counted four times
/// (spare room of a table or queue at most half full, plus the copy made while it grows), and
/// its key.
fn entry_cost(name: &str) -> u64 {
    4 * (size_of::<(String, Vec<Item>)>() as u64 + 1) + alloc_cost(name.len())
}

/// The capacity a list of `len` items grows to for `more`: doubling, at least 4.
fn grown(len: usize, cap: usize, more: usize) -> usize {
    let need = len + more;
    if need <= cap {
        cap
    } else {
        need.max(cap.saturating_mul(2)).max(4)
    }
}

impl UntaggedStore {
    pub fn new(max: u64) -> Self {
        UntaggedStore {
            max,
            ..Default::default()
        }
    }

    pub fn set_max(&mut self, max: u64) {
        self.max = max;
    }

    /// Memory the store may still take before it refuses items.
    pub fn room(&self) -> u64 {
        self.max.saturating_sub(self.weight)
    }

    /// The memory the store's contents take, as counted for the limit.
    pub fn weight(&self) -> u64 {
        self.weight
    }

    fn check(&self, extra: u64) -> Result<(), ProtoError> {
        if self.weight.saturating_add(extra) > self.max {
            return Err(ProtoError::Limit(format!(
                "untagged responses exceed the limit of {} bytes",
                self.max
            )));
        }
        Ok(())
    }

    /// Appends items under `name`. Past the limit the items are refused: the caller must treat
    /// that as fatal, since dropping them would lose data silently.
    pub fn push(&mut self, name: &str, mut items: Vec<Item>) -> Result<(), ProtoError> {
        if self.capture.is_some() {
            items.shrink_to_fit();
            let cost = entry_cost(name) + list_cost(items.capacity()) + weigh(&items);
            self.check(cost)?;
            self.weight += cost;
            if let Some(q) = &mut self.capture {
                q.push_back((name.to_string(), items));
            }
            return Ok(());
        }
        self.add(name, items, true)
    }

    /// Files items under `name` in the table; `enforce` refuses them past the limit.
    fn add(&mut self, name: &str, mut items: Vec<Item>, enforce: bool) -> Result<(), ProtoError> {
        let payload = weigh(&items);
        match self.map.get(name) {
            Some(list) => {
                let (len, cap) = (list.len(), list.capacity());
                let new_cap = grown(len, cap, items.len());
                // While the list grows, its old and new buffers both exist.
                let peak = payload + if new_cap > cap { list_cost(new_cap) } else { 0 };
                if enforce {
                    self.check(peak)?;
                }
                let Some(list) = self.map.get_mut(name) else {
                    return Ok(());
                };
                list.reserve_exact(new_cap - len);
                list.append(&mut items);
                let grew = list_cost(list.capacity()) - list_cost(cap);
                self.weight += payload + grew;
            }
            None => {
                items.shrink_to_fit();
                let cost = entry_cost(name) + list_cost(items.capacity()) + payload;
                if enforce {
                    self.check(cost)?;
                }
                self.weight += cost;
                self.map.insert(name.to_string(), items);
            }
        }
        Ok(())
    }

    /// From now on responses queue in arrival order (see [`UntaggedStore::next_captured`]).
    pub fn start_capture(&mut self) {
        self.capture.get_or_insert_with(VecDeque::new);
    }

    /// The oldest queued response, while capturing.
    pub fn next_captured(&mut self) -> Option<(String, Vec<Item>)> {
        let (name, items) = self.capture.as_mut()?.pop_front()?;
        self.weight -= entry_cost(&name) + list_cost(items.capacity()) + weigh(&items);
        if let Some(q) = &mut self.capture {
            if q.is_empty() && q.capacity() > 64 {
                *q = VecDeque::new();
            }
        }
        Some((name, items))
    }

    /// Stops capturing; responses not taken move into the store, in order (never refused:
    /// they were counted already; the store may end up past its limit until popped).
    pub fn stop_capture(&mut self) {
        for (name, items) in self.capture.take().unwrap_or_default() {
            self.weight -= entry_cost(&name) + list_cost(items.capacity()) + weigh(&items);
            let _ = self.add(&name, items, false);
        }
    }

    pub fn pop(&mut self, name: &str) -> Option<Vec<Item>> {
        let items = self.map.remove(name)?;
        self.weight -= entry_cost(name) + list_cost(items.capacity()) + weigh(&items);
        // The table keeps its size when emptied: give it back once it is mostly empty.
        if self.map.capacity() > 4 * self.map.len() + 64 {
            self.map.shrink_to_fit();
        }
        Some(items)
    }

    pub fn get(&self, name: &str) -> Option<&Vec<Item>> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn clear(&mut self) {
        self.map = HashMap::new();
        self.capture = None;
        self.weight = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_accounted() {
        let mut s = UntaggedStore::new(1000);
        s.push("EXISTS", vec![Item::Line(b"2".to_vec())]).unwrap();
        s.push("EXISTS", vec![Item::Line(b"3".to_vec())]).unwrap();
        assert_eq!(s.get("EXISTS").unwrap().len(), 2);
        assert!(s.push("FETCH", vec![Item::Line(vec![b'x'; 1000])]).is_err());
        assert_eq!(s.pop("EXISTS").unwrap().len(), 2);
        assert_eq!(s.weight, 0);
        s.push("FETCH", vec![Item::Line(vec![b'x'; 100])]).unwrap();
    }

    #[test]
    fn the_weight_is_the_real_cost_and_comes_back_to_zero() {
        let mut s = UntaggedStore::new(u64::MAX);
        // A one-byte item costs its buffer (32), a slot of the list and a share of the key.
        s.push("EXISTS", vec![Item::Line(b"1".to_vec())]).unwrap();
        assert!(
            s.weight() >= 32 + size_of::<Item>() as u64,
            "{}",
            s.weight()
        );
        for i in 0..1000 {
            s.push("EXISTS", vec![Item::Line(i.to_string().into_bytes())])
                .unwrap();
            let list = s.get("EXISTS").unwrap();
            assert!(
                s.weight() >= 32 * list.len() as u64 + (list.capacity() * size_of::<Item>()) as u64
            );
        }
        s.start_capture();
        s.push("FETCH", vec![Item::Line(b"1 (FLAGS ())".to_vec())])
            .unwrap();
        s.push("FETCH", vec![Item::Line(b"2 (FLAGS ())".to_vec())])
            .unwrap();
        assert!(s.next_captured().is_some());
        s.stop_capture();
        s.pop("EXISTS").unwrap();
        s.pop("FETCH").unwrap();
        assert_eq!(s.weight(), 0);
    }
}
