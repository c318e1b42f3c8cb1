//! The command line, defined in one place.

use crate::ops::logging::LogFormat;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// shenbao（申报）：质量攻关项目申报邮箱的自动受理程序。
///
/// 读取申报邮箱，识别并检查各推荐单位报送的申报材料，自动答复，记录在案；质量发展处用 status、list、show、export、remind 等命令查看和处理。用“shenbao 命令 --help”查看各命令的说明。
// The doc comments of this file are the `--help` texts: Chinese, for the division and the
// admin (the headings and the help flag are localised in `main/zh.rs`).
#[derive(Debug, Parser)]
#[command(name = "shenbao", version)]
pub struct Cli {
    /// 配置文件（TOML）；不指定时使用内置的默认配置。
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 日志格式（写到标准错误）：text（默认）为每条一行文字，json 为每条一个 JSON 对象。
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// 要执行的命令。
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查邮件文件：按给出的顺序当作同一批来信逐封审核（同一单位的材料累计），不写入申报记录。
    Check {
        /// 历年项目表（.xlsx），用于检查与历年项目雷同。
        #[arg(long, value_name = "FILE.xlsx")]
        history: Option<PathBuf>,
        /// 每封邮件的收件时间（RFC 3339，如 2023-04-28T20:00:00+08:00）；默认取文件的修改时间。
        #[arg(long, value_name = "TIME")]
        received: Option<String>,
        /// 每封邮件输出一行 JSON。
        #[arg(long)]
        json: bool,
        /// 邮件文件（.eml）。
        #[arg(required = true, value_name = "FILE.eml")]
        files: Vec<PathBuf>,
    },
    /// 运行受理程序（守护进程）：读取邮箱，逐封记录、审核并答复，直到收到 SIGINT/SIGTERM。
    Run {
        /// 处理完邮箱中现有的邮件、投递完待发的回复后退出。
        #[arg(long)]
        once: bool,
        /// 邮箱目录（Maildir）为空时，先放入生成的示例申报邮件（用于初次了解完整流程）。
        #[arg(long)]
        samples: bool,
    },
    /// 把生成的示例申报邮件（.eml）写入一个文件夹。
    Samples {
        /// 目标文件夹。
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 历年项目（用于检查与历年项目雷同）。
    History {
        /// 要做什么。
        #[command(subcommand)]
        action: HistoryAction,
    },
    /// 验收：按 manifest.json 逐例审核验收样例文件夹中的邮件，并与预期结果比较。
    Acceptance {
        /// 验收样例文件夹。
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// 列出每一处差异，而不只是每例的小结。
        #[arg(long)]
        verbose: bool,
    },
    /// 配置文件：检查其内容和服务器连接。
    Config {
        /// 要做什么。
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// 申报情况总览：各单位的受理情况、需人工处理的事项。
    ///
    /// 各结论的邮件数；应报单位中已受理、已人工受理、材料不全、需补正、未提交的单位（逐一列出名称，问题以中文名称和代码列出），应报名单之外的来信单位和未识别推荐单位的发件人另行统计；需人工处理的事项、发件箱、最近一次连上邮箱的时间。
    Status {
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// 已收到的邮件：每封的结论、回执编号、问题和回复。
    List(ListArgs),
    /// 一个单位的全部情况：来信、附件、表格内容、尚待解决的问题、回复和版本记录。
    Show {
        /// 回执编号、推荐单位名称（或其中一部分），或邮件编号（#编号）。
        #[arg(value_name = "RECEIPT|UNIT|#ID")]
        what: String,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// 导出：在 DIR 中写入全市汇总表.xlsx 和各单位的现行材料（整体替换上一次的导出）。
    Export {
        /// 导出文件夹。
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// 以 JSON 输出导出小结。
        #[arg(long)]
        json: bool,
    },
    /// 重新处理：规则或配置修改后重新审核存档的邮件（须先停止守护进程）。
    ///
    /// 为保证前后一致，总是按原顺序重新审核全部存档邮件并一次改写记录，已发出的回执编号不变；指定邮件时只报告该邮件，加 --all 时报告结论有变化的全部邮件。不加 --reply 不发送任何回复。
    Reprocess {
        /// 要报告（加 --reply 时重新答复）的邮件编号，如 12 或 #12。
        #[arg(
            value_name = "MESSAGE",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        message: Option<String>,
        /// 报告结论有变化的全部邮件。
        #[arg(long)]
        all: bool,
        /// 对结论有变化的邮件重新答复（与 --all 同用时，答复每个有变化单位的最后一封邮件）。
        #[arg(long)]
        reply: bool,
        /// 试运行：只审核和报告，不改动记录。
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// 催报提醒：提醒尚未报送的应报单位和材料不全或需补正的单位（每个单位每天至多一封）。
    Remind {
        /// 试运行：只列出将提醒哪些单位、提醒什么，不发送。
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
    /// 工作人员的决定：人工受理、公章已核、归入单位、要求补正、答复问题、处理回复。
    ///
    /// 每项决定均须填写理由，记录在案；守护进程运行时由它执行（本命令最多等待 10 秒看结果），否则由本命令直接执行。
    Decide {
        /// 要做的决定。
        #[command(subcommand)]
        action: DecideAction,
    },
    /// 公章识别：显示盖章扫描件每页识别到的公章，便于人工核对。
    ///
    /// 扫描件可为 PDF、TIFF、JPEG、PNG；列出每页的方向、尺寸和公章识别结果，加 --out 时输出框出公章位置的某页图片。
    Seal {
        /// 盖章扫描件。
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 要输出图片的页码（从 1 开始，默认第 1 页）。
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// 图片（PNG）的保存位置；不指定时只列出每页的识别结果。
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
    /// 检查配置文件，再逐步尝试连接 IMAP 和 SMTP 服务器。
    ///
    /// 先检查文件（键、取值、密码、文件夹；问题指出所在行），再依次尝试 DNS、TCP、TLS、IMAP 登录和 SMTP 连接。有未通过的项目时退出码为 1。
    Check {
        /// 只检查文件，不连接服务器。
        #[arg(long)]
        no_connect: bool,
        /// 以 JSON 输出。
        #[arg(long)]
        json: bool,
    },
}

/// `shenbao list`'s filters.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// 只列出该单位的邮件（名称、名称的一部分或回执编号）。
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// 只列出该结论的邮件：accepted（已受理）、rejected（需补正）、ignored（未自动答复）、failed（无法处理），也可写中文。
    #[arg(long, value_name = "VERDICT")]
    pub verdict: Option<String>,
    /// 只列出此时间及以后收到的邮件：2023-06-01、"2023-06-01 09:00"（申报所在时区）或 RFC 3339。
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// 以 JSON 输出。
    #[arg(long)]
    pub json: bool,
}

/// `shenbao history …`.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// 导入电子表格中的历年项目（年度、企业名称、统一社会信用代码、项目名称、项目简介），已导入的不重复导入。
    Import {
        /// 历年项目表（.xlsx 或 .xls）。
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
