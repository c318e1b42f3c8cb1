//! The application form's fields: keys, names, the labels senders use for them, options.

/// Sizes an enterprise can tick (企业规模).
pub const SIZES: &[&str] = &["大型", "中型", "小型", "微型"];
/// Project types (项目类型).
pub const PROJECT_TYPES: &[&str] = &["问题解决型", "创新型"];
/// Industries (企业所属产业), 其他 last with its free text.
pub const INDUSTRIES: &[&str] = &[
    "信创",
    "高端装备",
    "集成电路",
    "车联网",
    "新能源",
    "航空航天",
    "新材料",
    "汽车及新能源汽车",
    "生物医药",
    "中医药",
    "绿色石化",
    "轻纺",
    "其他",
];

/// The template's hint inside 预期成效, which is not part of the answer.
pub(super) const HINTS: &[&str] = &[
    "(可从经济效益和社会效益方面进行阐述)",
    "（可从经济效益和社会效益方面进行阐述）",
];

/// One field of the form: JSON key, Chinese name, label variants, and its options if it is a
/// checkbox row.
pub struct Field {
    /// Key in JSON output and in the database.
    pub key: &'static str,
    /// The field's name on the form, used in messages to senders.
    pub name: &'static str,
    /// Label texts that identify it (compared with [`label_key`]).
    pub labels: &'static [&'static str],
    /// Options of a checkbox field; empty for free text.
    pub options: &'static [&'static str],
    /// Whether the call requires a value.
    pub required: bool,
}

/// Every field of the form, in the form's order.
pub const FIELDS: &[Field] = &[
    Field {
        key: "enterprise_name",
        name: "企业名称",
        labels: &[
            "企业名称",
            "申报单位名称",
            "申报企业名称",
            "单位名称",
            "企业全称",
            "公司名称",
            "申报单位",
            "申报企业",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "credit_code",
        name: "统一社会信用代码",
        labels: &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "统一信用代码",
            "社会统一信用代码",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "recommender",
        name: "推荐单位",
        labels: &["推荐单位", "推荐部门", "推荐单位名称", "推荐机构"],
        options: &[],
        required: true,
    },
    Field {
        key: "enterprise_size",
        name: "企业规模",
        labels: &["企业规模", "规模", "企业规模类型"],
        options: SIZES,
        required: true,
    },
    Field {
        key: "contact",
        name: "单位申报联系人及职务",
        labels: &[
            "单位申报联系人及职务",
            "联系人及职务",
            "申报联系人及职务",
            "联系人",
            "申报联系人",
            "单位联系人",
            "联系人姓名及职务",
            "联系人职务",
            "联系人姓名",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "mobile",
        name: "联系人手机",
        labels: &[
            "联系人手机",
            "手机",
            "手机号码",
            "移动电话",
            "联系手机",
            "联系人手机号码",
            // Mobile or landline: said by neither, settled only when the other is found.
            "联系电话",
            "电话",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "landline",
        name: "固定电话",
        labels: &[
            "固定电话",
            "座机",
            "座机号码",
            "固话",
            "办公电话",
            "联系电话",
            "电话",
        ],
        options: &[],
        required: false,
    },
    Field {
        key: "email",
        name: "电子邮箱",
        labels: &[
            "电子邮箱",
            "邮箱",
            "E-mail",
            "Email",
            "电子邮件",
            "邮件",
            "邮箱地址",
            "电子信箱",
            "电子邮箱地址",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "project_name",
        name: "项目名称",
        labels: &["项目名称", "课题名称", "攻关项目名称", "项目题目"],
        options: &[],
        required: true,
    },
    Field {
        key: "project_type",
        name: "项目类型",
        labels: &["项目类型", "课题类型", "项目类别", "课题类别"],
        options: PROJECT_TYPES,
        required: true,
    },
    Field {
        key: "industry",
        name: "企业所属产业",
        labels: &[
            "企业所属产业",
            "所属产业",
            "产业",
            "产业领域",
            "所属领域",
            "产业类别",
        ],
        options: INDUSTRIES,
        required: true,
    },
    Field {
        key: "background",
        name: "项目背景意义",
        labels: &[
            "项目背景意义",
            "项目背景及意义",
            "背景意义",
            "项目背景",
            "立项背景",
            "项目意义",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "overview",
        name: "项目基本情况介绍",
        labels: &[
            "项目基本情况介绍",
            "项目基本情况",
            "基本情况",
            "项目概况",
            "项目简介",
            "项目情况介绍",
            "项目情况",
        ],
        options: &[],
        required: true,
    },
    Field {
        key: "goals",
        name: "质量攻关目标",
        labels: &["质量攻关目标", "攻关目标", "项目目标"],
        options: &[],
        required: true,
    },
    Field {
        key: "expected_results",
        name: "预期成效",
        labels: &["预期成效", "预期效果", "预期成果", "预期效益"],
        options: &[],
        required: true,
    },
];

/// Labels that are not fields but still end a value search (the seal row).
pub(super) const OTHER_LABELS: &[&str] = &["申报单位意见", "推荐单位意见", "单位意见"];
