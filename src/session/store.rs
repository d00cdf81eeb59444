//! The store of untagged responses, keyed by response name (imaplib's `untagged_responses`),
//! bounded by the total bytes it holds.

use crate::proto::response::Item;
use crate::proto::ProtoError;
use std::collections::{HashMap, VecDeque};

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

    /// Appends items under `name`. Past the limit the items are refused: the caller must treat
    /// that as fatal, since dropping them would lose data silently.
    pub fn push(&mut self, name: &str, items: Vec<Item>) -> Result<(), ProtoError> {
        let w = weigh(&items);
        if self.weight + w > self.max {
            return Err(ProtoError::Limit(format!(
                "untagged responses exceed the limit of {} bytes",
                self.max
            )));
        }
        self.weight += w;
        match &mut self.capture {
            Some(q) => q.push_back((name.to_string(), items)),
            None => self.map.entry(name.to_string()).or_default().extend(items),
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
        self.weight -= weigh(&items);
        Some((name, items))
    }

    /// Stops capturing; responses not taken move into the store, in order.
    pub fn stop_capture(&mut self) {
        for (name, items) in self.capture.take().unwrap_or_default() {
            self.map.entry(name).or_default().extend(items);
        }
    }

    pub fn pop(&mut self, name: &str) -> Option<Vec<Item>> {
        let items = self.map.remove(name)?;
        self.weight -= weigh(&items);
        Some(items)
    }

    pub fn get(&self, name: &str) -> Option<&Vec<Item>> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.capture = None;
        self.weight = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_accounted() {
        let mut s = UntaggedStore::new(200);
        s.push("EXISTS", vec![Item::Line(b"2".to_vec())]).unwrap();
        s.push("EXISTS", vec![Item::Line(b"3".to_vec())]).unwrap();
        assert_eq!(s.get("EXISTS").unwrap().len(), 2);
        assert!(s.push("FETCH", vec![Item::Line(vec![b'x'; 200])]).is_err());
        assert_eq!(s.pop("EXISTS").unwrap().len(), 2);
        assert_eq!(s.weight, 0);
        s.push("FETCH", vec![Item::Line(vec![b'x'; 100])]).unwrap();
    }
}
