//! The command line, defined in one place.

use crate::ops::logging::LogFormat;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// shenbao (申报): the submission mailbox of the quality-improvement project call.
#[derive(Debug, Parser)]
#[command(name = "shenbao", version, about)]
pub struct Cli {
    /// Configuration file (TOML); the embedded default when absent.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log lines on stderr as `text` or one JSON object per line (`json`).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge emails given as files, in order, as one sequence (units accumulate).
    Check {
        /// Past years' projects (.xlsx) for the duplicate check.
        #[arg(long, value_name = "FILE.xlsx")]
        history: Option<PathBuf>,
        /// Arrival time of every email (RFC 3339); default: each file's modification time.
        #[arg(long, value_name = "TIME")]
        received: Option<String>,
        /// One JSON object per email, one per line.
        #[arg(long)]
        json: bool,
        /// The .eml files.
        #[arg(required = true, value_name = "FILE.eml")]
        files: Vec<PathBuf>,
    },
    /// Run the daemon: read the mailbox, record and judge every message, answer the senders,
    /// until SIGINT/SIGTERM.
    Run {
        /// Process what is waiting, deliver the outbox and exit.
        #[arg(long)]
        once: bool,
        /// When the Maildir has no messages yet, first deliver the generated sample
        /// submissions into it (a first look at the whole job).
        #[arg(long)]
        samples: bool,
    },
    /// Write the generated sample submission emails (.eml) into a folder.
    Samples {
        /// The folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Past years' projects, for the duplicate check.
    History {
        /// What to do with them.
        #[command(subcommand)]
        action: HistoryAction,
    },
    /// Run the pipeline over an acceptance corpus (manifest.json) and compare with it.
    Acceptance {
        /// The corpus folder.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Print every difference, not only per-case summaries.
        #[arg(long)]
        verbose: bool,
    },
    /// The configuration file: check it.
    Config {
        /// What to do with it.
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// The division's overview: messages by verdict, units not yet submitted or incomplete,
    /// what needs a person, the outbox, the last contact with the mailbox.
    Status {
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The messages received, with verdict, receipt, problems and replies.
    List(ListArgs),
    /// Everything about one unit's submission: emails, files, forms, problems, replies,
    /// version history.
    Show {
        /// Receipt number, unit name, or #message id.
        #[arg(value_name = "RECEIPT|UNIT|#ID")]
        what: String,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write 全市汇总表.xlsx and each unit's current files under DIR (replacing an earlier
    /// export atomically).
    Export {
        /// The export folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// JSON summary instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Judge the archived messages again after a rule or configuration change (the daemon
    /// must be stopped). No reply is sent unless --reply.
    Reprocess {
        /// The message whose new verdict is reported (and answered with --reply).
        #[arg(
            value_name = "MESSAGE",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        message: Option<String>,
        /// Report every message whose verdict changed.
        #[arg(long)]
        all: bool,
        /// Send a new reply where the verdict changed (with --all: to each such unit's
        /// latest email).
        #[arg(long)]
        reply: bool,
        /// Judge and report, but change nothing.
        #[arg(long)]
        dry_run: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remind expected units that have not submitted, and units whose materials are
    /// incomplete (at most once per unit per day).
    Remind {
        /// Show who would be reminded of what, send nothing.
        #[arg(long)]
        dry_run: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// 工作人员的决定：人工受理、公章已核、归入单位、要求补正、答复问题、处理回复（均须填写理由，
    /// 记录在案；服务运行时由服务执行，否则由本命令直接执行）。
    Decide {
        /// 要做的决定。
        #[command(subcommand)]
        action: DecideAction,
    },
    /// Show what the seal check sees on a stamped scan (PDF, JPEG, PNG): per page the
    /// orientation and the seal found, and a PNG of one page with the seal boxed.
    Seal {
        /// The scan.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Page to draw (1-based).
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// Where to write the PNG; without it only the per-page results are printed.
        #[arg(long, value_name = "FILE.png")]
        out: Option<PathBuf>,
    },
    /// 备份：在服务运行时把申报记录（数据库、原始邮件、附件文件）完整复制到 DIR 下的新目录
    /// shenbao-backup-<时间>（不覆盖已有备份，附 manifest.json）。只需读取数据目录的权限。
    Backup {
        /// 存放备份的目录。
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// 以 JSON 输出清单。
        #[arg(long)]
        json: bool,
    },
    /// 网页工作台的账号：添加、列出、改密码、停用、发放 API 令牌（可在守护进程运行时使用）。
    User {
        /// 要做什么。
        #[command(subcommand)]
        action: UserAction,
    },
}

/// `shenbao user …`.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// 添加账号（密码从终端读取，不回显，输入两次）。
    Add {
        /// 登录用户名。
        #[arg(value_name = "NAME")]
        name: String,
        /// 角色：clerk（经办人，可查看并做出决定）或 viewer（只读）。
        #[arg(long, value_parser = ["clerk", "viewer"])]
        role: String,
        /// 从标准输入的第一行读取密码（供脚本使用）。
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出全部账号及其状态。
    List,
    /// 为账号设置新密码（同时解除锁定，并退出其全部会话）。
    Passwd {
        /// 登录用户名。
        #[arg(value_name = "NAME")]
        name: String,
        /// 从标准输入的第一行读取密码（供脚本使用）。
        #[arg(long)]
        password_stdin: bool,
    },
    /// 停用账号（其会话与 API 令牌随之作废）。
    Disable {
        /// 登录用户名。
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// 为账号生成新的 API 令牌（只显示一次，用于 /api/ 的 Authorization: Bearer）。
    Token {
        /// 登录用户名。
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// `shenbao config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate the file (keys, values, secrets, folders; errors point at the line), then
    /// try the IMAP login and the SMTP connection step by step. Exit 1 when a check fails.
    Check {
        /// Only the file: no connection to the servers.
        #[arg(long)]
        no_connect: bool,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `shenbao list`'s filters.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this unit (name, part of it, or receipt number).
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Only this verdict: accepted, rejected, ignored, failed (or 已受理, 需补正, …).
    #[arg(long, value_name = "VERDICT")]
    pub verdict: Option<String>,
    /// Only messages that arrived at or after this time (2023-06-01, "2023-06-01 09:00" in the
    /// campaign's time zone, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `shenbao history …`.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Add the projects of a spreadsheet (年度, 企业名称, 统一社会信用代码, 项目名称, 项目简介).
    Import {
        /// The spreadsheet.
        #[arg(value_name = "FILE.xlsx")]
        file: PathBuf,
    },
}

/// `shenbao decide …`.
#[derive(Debug, Subcommand)]
pub enum DecideAction {
    /// 人工受理：材料虽有问题，仍予受理，按编号发出受理回执。
    Accept {
        /// 单位（回执编号或推荐单位名称）。
        #[arg(value_name = "UNIT")]
        unit: String,
        #[command(flatten)]
        why: Why,
    },
    /// 公章已核：人工确认盖章扫描件已加盖公章（消除“未识别到公章”）。
    Seal {
        /// 文件：邮件编号/序号（如 12/0），或文件编号。
        #[arg(value_name = "FILE_ID")]
        file: String,
        #[command(flatten)]
        why: Why,
    },
    /// 归入单位：将某发件地址的邮件归入指定单位（如个人邮箱发来的扫描件）。
    Assign {
        /// 发件人邮箱地址。
        #[arg(value_name = "SENDER")]
        sender: String,
        /// 单位名称。
        #[arg(value_name = "UNIT")]
        unit: String,
        #[command(flatten)]
        why: Why,
    },
    /// 要求补正：向单位发出附工作人员意见和现有问题的补正通知。
    Correct {
        /// 单位（回执编号或推荐单位名称）。
        #[arg(value_name = "UNIT")]
        unit: String,
        /// 工作人员意见（写入通知）。
        #[arg(long, value_name = "TEXT")]
        note: String,
        #[command(flatten)]
        why: Why,
    },
    /// 答复问题：将答复内容作为对该邮件的回复发出，或标记为已另行答复。
    Answer {
        /// 邮件编号（如 #12）。
        #[arg(value_name = "MESSAGE_ID")]
        message: String,
        /// 答复内容。
        #[arg(long, value_name = "TEXT", required_unless_present = "other_means")]
        text: Option<String>,
        /// 已通过电话等其他方式答复，不发邮件。
        #[arg(long, conflicts_with = "text")]
        other_means: bool,
        #[command(flatten)]
        why: Why,
    },
    /// 催报提醒：向一个单位发送催报提醒（先用 --preview 预览，预览不记录决定）。
    Remind {
        /// 单位（回执编号或推荐单位名称）。
        #[arg(value_name = "UNIT")]
        unit: String,
        /// 只预览提醒内容，不发送。
        #[arg(long)]
        preview: bool,
        /// 理由（发送时必填，记录在案）。
        #[arg(long, value_name = "TEXT", required_unless_present = "preview")]
        reason: Option<String>,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// 处理回复：重新发送，或放行 / 撤销被扣留的回复。
    Reply {
        /// resend（重新发送）、release（放行）或 drop（撤销）。
        #[arg(value_enum)]
        action: ReplyAction,
        /// 回复编号。
        #[arg(value_name = "REPLY_ID")]
        reply: i64,
        #[command(flatten)]
        why: Why,
    },
    /// 查看已记录的决定（某单位的，或最近 50 条）。
    List {
        /// 单位（回执编号或推荐单位名称）。
        #[arg(value_name = "UNIT")]
        unit: Option<String>,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
}

/// What every decision carries besides its object.
#[derive(Debug, clap::Args)]
pub struct Why {
    /// 理由（必填，记录在案）。
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// 以 JSON 输出。
    #[arg(long)]
    pub json: bool,
}

/// What `decide reply` does to a reply.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReplyAction {
    /// 重新发送。
    Resend,
    /// 放行被扣留的回复。
    Release,
    /// 撤销被扣留的回复。
    Drop,
}
