//! The growing list of an email's attachments, with the caps that span the whole email.
//!
//! At most `max_attachments` files are read. Past the cap the email is reported as a whole
//! (`Email::too_many`), and the files that could be forms are never the ones left out for
//! junk that came first: a later Office file, PDF or archive takes the place of a file that
//! cannot be a form, a larger image the place of a smaller one. What is left out is still
//! listed (without its bytes, [`FileProblem::Skipped`]) up to a bound, and counted past it.

use super::metadata::is_metadata_file;
use super::{Attachment, FileKind, FileProblem, Limits, ReadError, TooMany, archive, sniff, tnef};

/// Files listed without their bytes past the cap, as a multiple of the cap: enough for any
/// real mail, bounded for hostile mail.
const LIST_FACTOR: usize = 4;

/// Attachments found so far and what is left of the email-wide budgets.
pub(crate) struct Collector<'l> {
    /// The attachments in document order.
    pub out: Vec<Attachment>,
    /// The caps in force.
    pub limits: &'l Limits,
    /// Decompressed bytes archives may still produce: nested archives share one budget so
    /// that depth cannot multiply it.
    pub archive_budget: u64,
    /// Files listed with their bytes (system metadata not counted).
    read: usize,
    /// Files found, listed or not (system metadata not counted).
    found: usize,
    /// Indices in `out` of files listed as nothing (metadata, signatures), in order.
    inert: Vec<usize>,
}

/// How much a file may matter to the submission; a higher rank is kept over a lower one.
fn rank(kind: FileKind, problem: Option<&FileProblem>) -> u8 {
    match (kind, problem) {
        // Nothing a form could be: signatures, texts, GIF emoticons.
        (FileKind::Unknown, None) => 0,
        // A scan or a logo: the larger is kept.
        (FileKind::Jpeg | FileKind::Png, None) => 1,
        // Office files, PDFs, archives, messages, and files whose name promises a form.
        _ => 2,
    }
}

impl<'l> Collector<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        Collector {
            out: Vec::new(),
            limits,
            archive_budget: limits.max_archive_bytes,
            read: 0,
            found: 0,
            inert: Vec::new(),
        }
    }

    /// Files read have reached the cap.
    fn is_full(&self) -> bool {
        self.read >= self.limits.max_attachments
    }

    /// Past this nothing is listed any more, only counted.
    pub fn is_listing_over(&self) -> bool {
        self.out.len()
            >= self
                .limits
                .max_attachments
                .saturating_mul(LIST_FACTOR)
                .max(1)
    }

    /// The email-wide verdict on the cap, once every file has been seen.
    pub fn too_many(&self) -> Option<TooMany> {
        (self.found > self.read).then_some(TooMany {
            found: self.found,
            read: self.read,
        })
    }

    /// Makes room for a file of `rank` and `size` past the cap by leaving out the least
    /// useful file read so far, if it is less useful; returns whether there is room.
    fn make_room(&mut self, rank_new: u8, size: usize) -> bool {
        if !self.is_full() {
            return true;
        }
        let worst = self
            .out
            .iter()
            .enumerate()
            .filter(|(_, a)| a.problem != Some(FileProblem::Skipped))
            .filter(|(i, _)| self.inert.binary_search(i).is_err())
            .map(|(i, a)| (rank(a.kind, a.problem.as_ref()), a.data.len(), i))
            .filter(|&(r, _, _)| r < 2)
            .min();
        let Some((r, len, i)) = worst else {
            return false;
        };
        let better = rank_new > r || (rank_new == 1 && r == 1 && size > len);
        if !better {
            return false;
        }
        if let Some(a) = self.out.get_mut(i) {
            a.data = Vec::new();
            a.problem = Some(FileProblem::Skipped);
            self.read -= 1;
        }
        true
    }

    /// Lists a file that counts against the cap: read if there is room, else without bytes.
    fn push_counted(&mut self, mut a: Attachment) -> Option<usize> {
        self.found += 1;
        if self.is_listing_over() {
            return None;
        }
        if !self.make_room(rank(a.kind, a.problem.as_ref()), a.data.len()) {
            a.data = Vec::new();
            a.problem = Some(FileProblem::Skipped);
            self.out.push(a);
            return None;
        }
        self.read += 1;
        self.out.push(a);
        Some(self.out.len() - 1)
    }

    /// Lists a file typed from its bytes; a zip or winmail.dat is followed by its entries at
    /// `depth + 1`.
    pub fn add_file(
        &mut self,
        name: String,
        container: Option<String>,
        data: Vec<u8>,
        depth: usize,
    ) {
        // Outlook's winmail.dat is a container like a zip. It is told by its signature before
        // anything else: a PDF stored in it would make it look like a late-starting PDF.
        let tnef = tnef::is_tnef(&data);
        let kind = if tnef {
            FileKind::Unknown
        } else {
            sniff(&data)
        };
        if is_metadata_file(&name, kind) {
            return self.add_inert(name, container, kind);
        }
        let problem = if tnef {
            None
        } else {
            sniff::problem_for(kind, &name, &data)
        };
        let expand = (kind == FileKind::Zip && problem.is_none()) || tnef;
        let Some(idx) = self.push_counted(Attachment {
            name: name.clone(),
            container,
            data,
            kind,
            problem,
        }) else {
            return;
        };
        if !expand {
            return;
        }
        // The bytes move out while the entries are appended behind the container.
        let data = self
            .out
            .get_mut(idx)
            .map(|a| std::mem::take(&mut a.data))
            .unwrap_or_default();
        let mark = self.out.len();
        let (read, found) = (self.read, self.found);
        let result = if tnef {
            tnef::expand(self, &data, &name, depth)
        } else {
            archive::expand(self, &data, &name, depth)
        };
        if result.is_err() {
            // A refused archive stands alone: what it added is taken back, counts included.
            self.out.truncate(mark);
            (self.read, self.found) = (read, found);
        }
        if let Some(a) = self.out.get_mut(idx) {
            match result {
                Ok(()) => a.data = data,
                Err(why) => {
                    a.problem = Some(FileProblem::Unreadable(ReadError::Refused(why)));
                }
            }
        }
    }

    /// Lists a file that is nobody's submission (system metadata, a signature): as sent, never
    /// read, never counted, never a problem.
    pub fn add_inert(&mut self, name: String, container: Option<String>, kind: FileKind) {
        if !self.is_listing_over() {
            self.inert.push(self.out.len());
            self.out.push(Attachment {
                name,
                container,
                data: Vec::new(),
                kind,
                problem: None,
            });
        }
    }

    /// Lists an attached message as the container of what follows; returns its index, or
    /// `None` when what it holds is not to be followed (past the cap).
    pub fn add_message(
        &mut self,
        name: String,
        container: Option<String>,
        data: Vec<u8>,
    ) -> Option<usize> {
        self.push_counted(Attachment {
            name,
            container,
            data,
            kind: FileKind::Email,
            problem: None,
        })
    }

    /// Lists a file that could not be taken out at all.
    pub fn add_problem(&mut self, name: String, container: Option<String>, problem: FileProblem) {
        if is_metadata_file(&name, FileKind::Unknown) {
            // A damaged resource fork is still only a resource fork.
            return self.add_file(name, container, Vec::new(), 0);
        }
        self.push_counted(Attachment {
            name,
            container,
            data: Vec::new(),
            kind: FileKind::Unknown,
            problem: Some(problem),
        });
    }

    /// Marks an already listed file.
    pub fn set_problem(&mut self, idx: usize, problem: FileProblem) {
        if let Some(a) = self.out.get_mut(idx) {
            a.problem = Some(problem);
        }
    }
}

#[cfg(test)]
mod tests;
