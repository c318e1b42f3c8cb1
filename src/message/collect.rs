//! The growing list of an email's attachments, with the caps that span the whole email.

use super::{Attachment, FileKind, FileProblem, Limits, archive, sniff};

/// Attachments found so far and what is left of the email-wide budgets.
pub(crate) struct Collector<'l> {
    /// The attachments in document order.
    pub out: Vec<Attachment>,
    /// The caps in force.
    pub limits: &'l Limits,
    /// Decompressed bytes archives may still produce: nested archives share one budget so
    /// that depth cannot multiply it.
    pub archive_budget: u64,
}

impl<'l> Collector<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        Collector {
            out: Vec::new(),
            limits,
            archive_budget: limits.max_archive_bytes,
        }
    }

    /// After the attachment cap nothing more is listed.
    pub fn is_full(&self) -> bool {
        self.out.len() >= self.limits.max_attachments
    }

    fn push(&mut self, a: Attachment) -> Option<usize> {
        if self.is_full() {
            return None;
        }
        self.out.push(a);
        Some(self.out.len() - 1)
    }

    /// Lists a file typed from its bytes; a zip is followed by its entries at `depth + 1`.
    pub fn add_file(
        &mut self,
        name: String,
        container: Option<String>,
        data: Vec<u8>,
        depth: usize,
    ) {
        let kind = sniff(&data);
        let problem = sniff::problem_for(kind, &name, &data);
        let expand = kind == FileKind::Zip && problem.is_none();
        let Some(idx) = self.push(Attachment {
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
        let result = archive::expand(self, &data, &name, depth);
        if result.is_err() {
            self.out.truncate(idx + 1);
        }
        if let Some(a) = self.out.get_mut(idx) {
            match result {
                Ok(()) => a.data = data,
                Err(why) => a.problem = Some(FileProblem::Unreadable(why)),
            }
        }
    }

    /// Lists an attached message as the container of what follows; returns its index.
    pub fn add_message(
        &mut self,
        name: String,
        container: Option<String>,
        data: Vec<u8>,
    ) -> Option<usize> {
        self.push(Attachment {
            name,
            container,
            data,
            kind: FileKind::Email,
            problem: None,
        })
    }

    /// Lists a file that could not be taken out at all.
    pub fn add_problem(&mut self, name: String, container: Option<String>, problem: FileProblem) {
        self.push(Attachment {
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
