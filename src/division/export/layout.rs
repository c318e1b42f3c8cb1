//! How `全市汇总表.xlsx` looks and prints. The fonts and sizes are the official template's
//! (附件2-立项申报汇总表.docx): the title in 方正小标宋简体 20 pt, the header in 宋体 10.5 pt
//! bold; the template's table cells are empty, so the rows take the header's face unbolded.
//! The page is the template's: A4 landscape with its margins, here one page wide however
//! many rows, the title and header on every page, numbered in the footer.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// The template's title face, the one official document titles use (GB/T 9704).
pub const TITLE_FONT: &str = "方正小标宋简体";
/// The template's title size (w:sz 40 half-points).
pub const TITLE_SIZE: f64 = 20.0;
/// The template's header face, which every Chinese Windows, Excel and WPS have.
pub const TABLE_FONT: &str = "宋体";
/// The template's header size (w:sz 21 half-points, 五号).
pub const TABLE_SIZE: f64 = 10.5;
/// GB2312: where a face is not installed (方正小标宋简体 on a machine without the 方正 fonts),
/// Excel and WPS substitute a Chinese face of this character set, not a Latin one.
const CHARSET_GB2312: u8 = 134;
/// The family number Excel itself writes beside 宋体 and the other CJK faces.
const FAMILY_MODERN: u8 = 3;

/// Column widths (characters of the default font): the template's twelve in the proportions
/// of its Word table (w:gridCol), widened where a value must stay on one line (the 18 digits
/// of a credit code), then 推荐单位, 收件时间, 状态, 回执编号 and 提示.
pub const WIDTHS: [f64; 17] = [
    5.0, 20.0, 20.0, 9.0, 8.0, 8.0, 8.0, 22.0, 11.0, 14.0, 14.0, 7.0, 14.0, 11.0, 9.0, 13.0, 16.0,
];

/// The cell formats of one sheet.
pub struct Styles {
    /// The merged title row.
    pub title: Format,
    /// The header row.
    pub header: Format,
    /// Text cells, stored as text ("@") so that codes and phone numbers typed over in Excel
    /// stay text too.
    pub text: Format,
    /// 序号: a number, centred as in the template.
    pub number: Format,
}

/// `f` in the template's table face.
fn table(f: Format) -> Format {
    f.set_font_name(TABLE_FONT)
        .set_font_size(TABLE_SIZE)
        .set_font_charset(CHARSET_GB2312)
        .set_font_family(FAMILY_MODERN)
}

impl Styles {
    pub fn new() -> Styles {
        let cell = || {
            table(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
        };
        Styles {
            title: Format::new()
                .set_font_name(TITLE_FONT)
                .set_font_size(TITLE_SIZE)
                .set_font_charset(CHARSET_GB2312)
                .set_font_family(FAMILY_MODERN)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell().set_bold().set_align(FormatAlign::Center),
            text: cell().set_num_format("@"),
            number: cell().set_align(FormatAlign::Center),
        }
    }
}

/// Rows repeated at the top of every printed page: the title and the header.
pub const REPEATED: (u32, u32) = (0, 1);

/// A4 landscape, one page wide and as many long as the rows need, the template's margins
/// (top and bottom 2 cm, left and right 1.45 cm), centred, and "第 1 页 共 3 页" below.
pub fn page(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    const A4: u8 = 9;
    sheet.set_paper_size(A4);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(REPEATED.0, REPEATED.1)?;
    sheet.set_margins(0.57, 0.57, 0.79, 0.79, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    sheet.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}
