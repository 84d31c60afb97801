//! Group commit: batches that arrive while a transaction is being written are written
//! together in the next one, and each caller still returns only once its own events are
//! committed.
//!
//! A commit costs an `fsync` (SQLite, `synchronous=FULL`) or a WAL flush (PostgreSQL),
//! and with stats kept at insert, the pages a commit writes (indexes, daily tables) are
//! shared by the batches in it: one commit for the batches of sixteen clients costs about
//! what one commit for one of them did. Nothing changes for a lone client: its batch is
//! written at once, alone.

use crate::store::error::StoreError;
use crate::store::event::Stored;
use std::sync::{Arc, Mutex, MutexGuard};

/// One caller's batch, and what became of it once a writer wrote it.
struct Job<T> {
    events: Vec<T>,
    done: Mutex<Option<Result<Stored, StoreError>>>,
}

/// The batches waiting for the next transaction, and the turn to write one.
///
/// ```
/// use lanterne_collector::store::group_commit::GroupCommit;
/// use lanterne_collector::store::event::Stored;
/// let group = GroupCommit::<&str>::default();
/// let stored = group
///     .write(vec!["a"], |batches| {
///         Ok(batches.iter().map(|b| Stored { stored: b.len(), duplicates: 0 }).collect())
///     })
///     .unwrap();
/// assert_eq!(stored.stored, 1);
/// ```
pub struct GroupCommit<T> {
    waiting: Mutex<Vec<Arc<Job<T>>>>,
    /// Held by the caller writing a transaction.
    turn: Mutex<()>,
}

/// Most events written in one transaction (more wait for the next one).
const MOST_EVENTS: usize = 20_000;

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these leaves nothing half-done: keep going.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> Default for GroupCommit<T> {
    fn default() -> Self {
        GroupCommit {
            waiting: Mutex::new(Vec::new()),
            turn: Mutex::new(()),
        }
    }
}

impl<T> GroupCommit<T> {
    /// Writes `events` with whatever other batches are waiting, through `write` (one
    /// transaction for all the batches it is given, in order; a [`Stored`] for each),
    /// and returns this batch's part once that transaction is committed. If the
    /// transaction fails, every batch in it gets the error (none was acknowledged).
    pub fn write(
        &self,
        events: Vec<T>,
        write: impl Fn(&[&[T]]) -> Result<Vec<Stored>, StoreError>,
    ) -> Result<Stored, StoreError> {
        let job = Arc::new(Job {
            events,
            done: Mutex::new(None),
        });
        locked(&self.waiting).push(job.clone());
        loop {
            let _turn = locked(&self.turn);
            // Written by the caller who had the turn before?
            if let Some(result) = locked(&job.done).take() {
                return result;
            }
            let jobs = self.take_waiting();
            let batches: Vec<&[T]> = jobs.iter().map(|j| j.events.as_slice()).collect();
            let results = match write(&batches) {
                Ok(results) if results.len() == jobs.len() => results.into_iter().map(Ok).collect(),
                Ok(_) => vec![Err(StoreError::Unwritten); jobs.len()],
                Err(e) => vec![Err(e); jobs.len()],
            };
            for (j, result) in jobs.iter().zip(results) {
                *locked(&j.done) = Some(result);
            }
            if let Some(result) = locked(&job.done).take() {
                return result;
            }
            // Ours did not fit in that transaction: it is first in the next.
        }
    }

    /// The waiting batches, oldest first, up to [`MOST_EVENTS`] (at least one).
    fn take_waiting(&self) -> Vec<Arc<Job<T>>> {
        let mut waiting = locked(&self.waiting);
        let mut events = 0;
        let mut n = 0;
        for job in waiting.iter() {
            if n > 0 && events + job.events.len() > MOST_EVENTS {
                break;
            }
            events += job.events.len();
            n += 1;
        }
        waiting.drain(..n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn batch(n: usize) -> Vec<usize> {
        (0..n).collect()
    }

    #[test]
    fn concurrent_batches_share_transactions_and_each_gets_its_own_answer() {
        let group = Arc::new(GroupCommit::<usize>::default());
        let transactions = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (1..=16)
            .map(|n| {
                let (group, transactions) = (group.clone(), transactions.clone());
                std::thread::spawn(move || {
                    group
                        .write(batch(n), |batches| {
                            transactions.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            Ok(batches
                                .iter()
                                .map(|b| Stored {
                                    stored: b.len(),
                                    duplicates: 0,
                                })
                                .collect())
                        })
                        .unwrap()
                })
            })
            .collect();
        let answers: Vec<usize> = threads
            .into_iter()
            .map(|t| t.join().unwrap().stored)
            .collect();
        assert_eq!(answers, (1..=16).collect::<Vec<_>>(), "each its own count");
        let n = transactions.load(Ordering::SeqCst);
        assert!(
            n < 16,
            "batches waiting were written together: {n} transactions"
        );
    }

    #[test]
    fn a_failed_transaction_fails_every_batch_in_it_and_the_next_one_is_fresh() {
        let group = GroupCommit::<usize>::default();
        let failed = group.write(batch(3), |_| Err(StoreError::Corrupt("disk full".into())));
        assert_eq!(
            failed.unwrap_err().to_string(),
            "stored data unreadable: disk full"
        );
        let ok = group.write(batch(2), |batches| {
            assert_eq!(batches.len(), 1, "nothing left over from the failure");
            Ok(vec![Stored {
                stored: 2,
                duplicates: 0,
            }])
        });
        assert_eq!(ok.unwrap().stored, 2);
    }

    #[test]
    fn a_transaction_holds_at_most_so_many_events() {
        let group = GroupCommit::<usize>::default();
        for _ in 0..3 {
            locked(&group.waiting).push(Arc::new(Job {
                events: batch(MOST_EVENTS / 2 + 1),
                done: Mutex::new(None),
            }));
        }
        assert_eq!(group.take_waiting().len(), 1);
        assert_eq!(group.take_waiting().len(), 1);
        locked(&group.waiting).clear();
        locked(&group.waiting).push(Arc::new(Job {
            events: batch(MOST_EVENTS * 2),
            done: Mutex::new(None),
        }));
        assert_eq!(group.take_waiting().len(), 1, "one big batch still goes");
    }
}
