//! Keys for recognising the same unit, enterprise or file under the different ways people write
//! them.

use crate::forms::value::{half_width, name_key};

/// The key of a recommending unit: half-width, no spaces, without the city prefix, with the
/// bureau's long name shortened (天津市河西区市场监督管理局 → 河西区市场监管局).
pub fn unit_key(name: &str) -> String {
    let k = name_key(name);
    let k = k.trim_end_matches(['(', '（']).to_string();
    let k = k
        .replace("市场监督管理局", "市场监管局")
        .replace("市场监督管理委员会", "市场监管委");
    match k.strip_prefix("天津市") {
        Some(rest) if rest.chars().count() >= 3 => rest.to_string(),
        _ => k,
    }
}

/// Company suffixes left out when a file name mentions an enterprise by its short name.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团",
    "公司",
];

/// The distinctive middle of an enterprise name: 天津睿鑫中医药科技有限公司 → 睿鑫中医药科技.
pub fn enterprise_core(name: &str) -> String {
    let mut k = name_key(name);
    for p in ["天津市", "天津"] {
        if let Some(rest) = k.strip_prefix(p) {
            k = rest.to_string();
            break;
        }
    }
    for s in SUFFIXES {
        if let Some(rest) = k.strip_suffix(s) {
            k = rest.to_string();
            break;
        }
    }
    k
}

/// Words that mark a file as the stamped or the Word version; removed to pair the two files of
/// one form ("…申报表.docx" and "…申报表（盖章版）.pdf").
const VERSION_WORDS: &[&str] = &[
    "盖章版",
    "已盖章",
    "盖章",
    "扫描件",
    "扫描版",
    "扫描",
    "签章版",
    "签章",
    "word版",
    "WORD版",
    "Word版",
    "电子版",
    "pdf版",
    "PDF版",
];

/// A file name without extension, version words, brackets and separators.
pub fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = match base.rfind('.') {
        Some(dot) if dot > 0 => base.get(..dot).unwrap_or(base),
        _ => base,
    };
    let mut s = half_width(base);
    for w in VERSION_WORDS {
        s = s.replace(w, "");
    }
    s.chars()
        .filter(|c| c.is_alphanumeric() && !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_fold_to_one_key() {
        assert_eq!(
            unit_key("天津市河西区市场监督管理局"),
            unit_key("河西区市场监管局")
        );
        assert_eq!(unit_key(" 和平区市场监管局 "), "和平区市场监管局");
        assert_ne!(unit_key("河西区市场监管局"), unit_key("河东区市场监管局"));
    }

    #[test]
    fn stems_pair_word_and_stamped_files() {
        assert_eq!(
            file_stem("附件1-睿鑫中医药科技-立项申报表.docx"),
            file_stem("附件1-睿鑫中医药科技-立项申报表（盖章版）.pdf")
        );
        assert_eq!(
            file_stem("1.天津晶宏储能技术科技有限公司.docx"),
            file_stem("1.天津晶宏储能技术科技有限公司-盖章.pdf")
        );
        assert_eq!(
            file_stem("海宏液压机械申报表.docx"),
            file_stem("海宏液压机械申报表扫描件.pdf")
        );
        assert_ne!(file_stem("a/汇总表.docx"), file_stem("申报表.pdf"));
    }

    #[test]
    fn enterprise_cores() {
        assert_eq!(
            enterprise_core("天津睿鑫中医药科技有限公司"),
            "睿鑫中医药科技"
        );
        assert_eq!(enterprise_core("天津市凯瑞电池股份有限公司"), "凯瑞电池");
    }
}
