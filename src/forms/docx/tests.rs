//! One test per WordprocessingML variation the reader must understand.

use super::fixture::{body, cell_texts, document_xml, docx_raw, p, read_ok, styles_xml, tbl, tc};
use crate::forms::Cell;

fn run(props: &str, text: &str) -> String {
    format!("<w:r><w:rPr>{props}</w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn row_text(cells: &[Cell]) -> Vec<&str> {
    cells.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn paragraphs_outside_tables_are_trimmed_and_empty_ones_dropped() {
    let d = body(&format!(
        "{}{}<w:p/>{}",
        p("\u{3000} 附件1 "),
        p("   "),
        p("2023年天津市质量攻关项目立项申报表")
    ));
    assert_eq!(
        d.paragraphs,
        vec!["附件1", "2023年天津市质量攻关项目立项申报表"]
    );
    assert!(d.tables.is_empty());
}

#[test]
fn grid_span_sets_columns() {
    let rows = [
        tc("", &p("企业名称")) + &tc("<w:gridSpan w:val=\"3\"/>", &p("天津甲公司")),
        tc("", &p("a")) + &tc("", &p("b")) + &tc("", &p("c")) + &tc("", &p("d")),
    ];
    let d = body(&tbl(&rows));
    let t = &d.tables[0];
    assert_eq!(t.rows[0][1].col, 1);
    assert_eq!(t.rows[0][1].span, 3);
    assert_eq!(t.rows[0][1].text, "天津甲公司");
    assert_eq!(t.rows[1][3].col, 3);
    assert_eq!(t.rows[1][3].span, 1);
}

#[test]
fn grid_before_shifts_the_first_cell() {
    let row = format!(
        "<w:trPr><w:gridBefore w:val=\"2\"/></w:trPr>{}",
        tc("", &p("x"))
    );
    let d = body(&format!("<w:tbl><w:tr>{row}</w:tr></w:tbl>"));
    assert_eq!(d.tables[0].rows[0][0].col, 2);
}

#[test]
fn vertical_merge_marks_continuation_cells() {
    let rows = [
        tc("<w:vMerge w:val=\"restart\"/>", &p("项目背景")) + &tc("", &p("一")),
        tc("<w:vMerge/>", "<w:p/>") + &tc("", &p("二")),
        tc("<w:vMerge w:val=\"continue\"/>", "<w:p/>") + &tc("", &p("三")),
    ];
    let d = body(&tbl(&rows));
    let t = &d.tables[0];
    assert!(!t.rows[0][0].continues_above);
    assert!(t.rows[1][0].continues_above);
    assert!(t.rows[2][0].continues_above);
    assert!(!t.rows[1][1].continues_above);
    assert_eq!(t.rows[2][1].col, 1);
}

#[test]
fn runs_paragraphs_breaks_and_tabs_in_a_cell() {
    let content = "<w:p><w:r><w:t>第一</w:t></w:r><w:r><w:t xml:space=\"preserve\">段 </w:t></w:r>\
        <w:r><w:br/><w:t>换行</w:t><w:cr/><w:t>回车</w:t></w:r></w:p>\
        <w:p/><w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t></w:r></w:p>";
    let d = body(&tbl(&[tc("", content)]));
    assert_eq!(d.tables[0].rows[0][0].text, "第一段\n换行\n回车\n甲\t乙");
}

#[test]
fn tab_stops_in_paragraph_properties_are_not_text() {
    let content = "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>\
        <w:r><w:t>甲</w:t></w:r></w:p>";
    assert_eq!(body(content).paragraphs, vec!["甲"]);
}

#[test]
fn nested_tables_come_after_their_outer_table_and_keep_text_in_the_cell() {
    let inner = tbl(&[tc("", &p("内1")) + &tc("", &p("内2")), tc("", &p("内3"))]);
    let outer = tbl(&[
        tc("", &p("外")) + &tc("", &format!("{}{inner}{}", p("前"), p("后"))),
        tc("", &p("下")),
    ]);
    let d = body(&format!("{outer}{}", tbl(&[tc("", &p("第二表"))])));
    assert_eq!(d.tables.len(), 3);
    assert_eq!(d.tables[0].rows[0][0].text, "外");
    assert_eq!(d.tables[0].rows[0][1].text, "前\n内1\t内2\n内3\n后");
    assert_eq!(cell_texts(&d, 1), vec![vec!["内1", "内2"], vec!["内3"]]);
    assert_eq!(cell_texts(&d, 2), vec![vec!["第二表"]]);
}

#[test]
fn content_controls_at_block_run_and_cell_level() {
    let block = "<w:sdt><w:sdtPr><w:alias w:val=\"标题\"/></w:sdtPr><w:sdtContent>\
        <w:p><w:r><w:t>块级</w:t></w:r></w:p></w:sdtContent></w:sdt>";
    let run_level = "<w:p><w:r><w:t>名称：</w:t></w:r><w:sdt><w:sdtPr/><w:sdtContent>\
        <w:r><w:t>天津乙公司</w:t></w:r></w:sdtContent></w:sdt></w:p>";
    let cell_level = format!(
        "<w:tbl><w:tr>{}<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt></w:tr></w:tbl>",
        tc("", &p("企业名称")),
        tc("", &p("丙公司"))
    );
    let d = body(&format!("{block}{run_level}{cell_level}"));
    assert_eq!(d.paragraphs, vec!["块级", "名称：天津乙公司"]);
    assert_eq!(cell_texts(&d, 0), vec![vec!["企业名称", "丙公司"]]);
    assert_eq!(d.tables[0].rows[0][1].col, 1);
}

#[test]
fn placeholder_text_of_a_content_control_is_not_an_answer() {
    let d = body(
        "<w:p><w:r><w:t>电话：</w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>\
        <w:sdtContent><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["电话："]);
}

#[test]
fn insertions_kept_deletions_and_moves_dropped() {
    let d = body(
        "<w:p><w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>新</w:t></w:r></w:ins>\
        <w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>旧</w:delText></w:r></w:del>\
        <w:moveFrom w:id=\"3\"><w:r><w:t>移走</w:t></w:r></w:moveFrom>\
        <w:moveTo w:id=\"4\"><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["新移来"]);
}

#[test]
fn field_results_kept_instructions_dropped() {
    let d = body(
        "<w:p><w:fldSimple w:instr=\" DATE \"><w:r><w:t>2023-04-25</w:t></w:r></w:fldSimple>\
        <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>\
        <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>/第1页</w:t></w:r>\
        <w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["2023-04-25/第1页"]);
}

#[test]
fn smart_tags_hyperlinks_and_custom_xml_keep_their_text() {
    let d = body(
        "<w:p><w:hyperlink r:id=\"rId9\" xmlns:r=\"r\"><w:r><w:t>a@b.cn</w:t></w:r></w:hyperlink>\
        <w:smartTag w:element=\"chmetcnv\"><w:r><w:t>100</w:t></w:r></w:smartTag>\
        <w:customXml w:element=\"x\"><w:r><w:t>万元</w:t></w:r></w:customXml></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["a@b.cn100万元"]);
}

#[test]
fn alternate_content_is_read_once() {
    let d = body(
        "<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent>\
        <mc:Choice Requires=\"wps\"><w:t>选</w:t></mc:Choice>\
        <mc:Fallback><w:t>退</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["前选"]);
}

#[test]
fn text_box_paragraphs_follow_their_anchor_paragraph_once() {
    let txbx = |t: &str| format!("<w:txbxContent>{}</w:txbxContent>", p(t));
    let d = body(&format!(
        "<w:p><w:r><w:t>锚</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">\
        <w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>\
        <v:textbox>{}</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>\
        <w:r><w:t>点</w:t></w:r></w:p>{}",
        txbx("框内"),
        txbx("框内"),
        p("下一段")
    ));
    assert_eq!(d.paragraphs, vec!["锚点", "框内", "下一段"]);
}

#[test]
fn drawingml_text_is_not_word_text() {
    let d = body("<w:p><w:r><w:t>甲</w:t></w:r></w:p><a:p><a:r><a:t>图形字</a:t></a:r></a:p>");
    assert_eq!(d.paragraphs, vec!["甲"]);
}

fn checkbox(checked: &str, shown: &str) -> String {
    format!(
        "<w:sdt><w:sdtPr><w14:checkbox>{checked}<w14:checkedState w14:val=\"2612\" \
        w14:font=\"MS Gothic\"/><w14:uncheckedState w14:val=\"2610\" w14:font=\"MS Gothic\"/>\
        </w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii=\"MS Gothic\" \
        w:hAnsi=\"MS Gothic\"/></w:rPr><w:t>{shown}</w:t></w:r></w:sdtContent></w:sdt>"
    )
}

#[test]
fn word_2010_checkbox_controls_give_one_glyph_each() {
    let row = format!(
        "<w:p>{}<w:r><w:t>大型 </w:t></w:r>{}<w:r><w:t>中型 </w:t></w:r>{}<w:r><w:t>小型</w:t></w:r>{}<w:r><w:t>微型</w:t></w:r></w:p>",
        checkbox("<w14:checked w14:val=\"0\"/>", "☐"),
        checkbox("<w14:checked w14:val=\"1\"/>", "☒"),
        checkbox("<w14:checked w14:val=\"true\"/>", "☒"),
        checkbox("", "☐"),
    );
    assert_eq!(body(&row).paragraphs, vec!["☐大型 ☑中型 ☑小型☐微型"]);
}

#[test]
fn legacy_form_field_checkboxes() {
    let ff = |inner: &str| {
        format!(
            "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:sizeAuto/>{inner}\
            </w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText>\
            </w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        )
    };
    let d = body(&format!(
        "<w:p>{}<w:r><w:t>甲</w:t></w:r>{}<w:r><w:t>乙</w:t></w:r>{}<w:r><w:t>丙</w:t></w:r></w:p>",
        ff("<w:default w:val=\"0\"/>"),
        ff("<w:default w:val=\"0\"/><w:checked/>"),
        ff("<w:default w:val=\"1\"/>"),
    ));
    assert_eq!(d.paragraphs, vec!["☐甲☑乙☑丙"]);
}

#[test]
fn sym_elements_in_wingdings_fonts() {
    let sym =
        |font: &str, ch: &str| format!("<w:r><w:sym w:font=\"{font}\" w:char=\"{ch}\"/></w:r>");
    let d = body(&format!(
        "<w:p>{}{}{}{}{}{}{}{}{}{}{}</w:p>",
        sym("Wingdings 2", "F052"),
        sym("Wingdings 2", "0054"),
        sym("Wingdings 2", "F0A3"),
        sym("Wingdings 2", "A3"),
        sym("Wingdings", "F0FE"),
        sym("Wingdings", "F0A8"),
        sym("Wingdings", "006F"),
        sym("Wingdings", "F071"),
        sym("Wingdings", "F078"),
        sym("Wingdings", "FD"),
        sym("Symbol", "F0D6"),
    ));
    assert_eq!(d.paragraphs, vec!["☑☑☐☐☑☐☐☐☑☑√"]);
}

#[test]
fn sym_from_a_text_font_is_its_character_and_unknown_pictures_are_dropped() {
    let d = body(
        "<w:p><w:r><w:sym w:font=\"宋体\" w:char=\"221A\"/><w:t>甲</w:t>\
        <w:sym w:font=\"Wingdings\" w:char=\"F04A\"/><w:sym w:font=\"Webdings\" w:char=\"F061\"/></w:r></w:p>",
    );
    assert_eq!(d.paragraphs, vec!["√甲"]);
}

#[test]
fn private_use_characters_in_text_with_and_without_font() {
    let wd2 = "<w:rFonts w:ascii=\"Wingdings 2\" w:hAnsi=\"Wingdings 2\"/>";
    let wd = "<w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/>";
    let d = body(&format!(
        "<w:p>{}{}{}{}</w:p>",
        run(wd2, "\u{f052}大型\u{f0a3}中型"),
        run(wd, "\u{f0fe}\u{f0a8}\u{f04a}"),
        run("", "\u{f052}\u{f0a8}\u{f0fe}"),
        run("", "\u{f04a}普通"),
    ));
    assert_eq!(d.paragraphs, vec!["☑大型☐中型☑☐☑☐☑普通"]);
}

#[test]
fn plain_letters_in_a_wingdings_run() {
    let d = body(&format!(
        "<w:p>{}{}{}{}{}{}</w:p>",
        run(
            "<w:rFonts w:ascii=\"Wingdings 2\" w:hAnsi=\"Wingdings 2\"/>",
            "R"
        ),
        run("", "大型"),
        run(
            "<w:rFonts w:ascii=\"Wingdings 2\" w:hAnsi=\"Wingdings 2\"/>",
            "£T"
        ),
        run(
            "<w:rFonts w:eastAsia=\"Wingdings 2\" w:hint=\"eastAsia\"/>",
            "£"
        ),
        run(
            "<w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/>",
            "þ¨"
        ),
        run("", "R£þ"),
    ));
    assert_eq!(d.paragraphs, vec!["☑大型☐☑☐☑☐R£þ"]);
}

#[test]
fn fonts_resolved_through_styles_and_defaults() {
    let styles = styles_xml(
        "w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"",
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Box\"><w:basedOn w:val=\"a\"/>\
        <w:rPr><w:rFonts w:ascii=\"Wingdings 2\" w:hAnsi=\"Wingdings 2\"/></w:rPr></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Box2\"><w:basedOn w:val=\"Box\"/></w:style>\
        <w:style w:type=\"character\" w:styleId=\"Tick\"><w:basedOn w:val=\"TickBase\"/></w:style>\
        <w:style w:type=\"character\" w:styleId=\"TickBase\">\
        <w:rPr><w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr></w:style>\
        <w:style w:type=\"character\" w:styleId=\"Loop1\"><w:basedOn w:val=\"Loop2\"/></w:style>\
        <w:style w:type=\"character\" w:styleId=\"Loop2\"><w:basedOn w:val=\"Loop1\"/></w:style>",
    );
    let doc = document_xml(&format!(
        "<w:p><w:pPr><w:pStyle w:val=\"Box2\"/></w:pPr>{}{}</w:p>\
        <w:p>{}{}{}</w:p>",
        run("", "R"),
        run("<w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\"/>", "R"),
        run("<w:rStyle w:val=\"Tick\"/>", "þ"),
        run("<w:rStyle w:val=\"Loop1\"/>", "R"),
        run("", "R"),
    ));
    let d = read_ok(&docx_raw(&doc, Some(&styles)));
    assert_eq!(d.paragraphs, vec!["☑R", "☑RR"]);

    let wingdings_default = styles_xml("w:ascii=\"Wingdings 2\" w:hAnsi=\"Wingdings 2\"", "");
    let d = read_ok(&docx_raw(
        &document_xml(&run("", "£")),
        Some(&wingdings_default),
    ));
    // A bare run outside a paragraph is still text of the body.
    assert_eq!(d.paragraphs, vec!["☐"]);
}

#[test]
fn literal_marks_stay_as_written() {
    let d = body(&p("☒大型 ■中型 ✓小型 √□微型 □其他"));
    assert_eq!(d.paragraphs, vec!["☒大型 ■中型 ✓小型 √□微型 □其他"]);
}

#[test]
fn unknown_entities_are_dropped_and_character_references_resolved() {
    let d = body(&p("A&amp;B&#x4E2D;&#22269;&nbsp;C"));
    assert_eq!(d.paragraphs, vec!["A&B中国C"]);
}

#[test]
fn a_doctype_without_entities_is_tolerated() {
    let doc = document_xml(&p("甲")).replacen("<w:document", "<!DOCTYPE w:document><w:document", 1);
    assert_eq!(read_ok(&docx_raw(&doc, None)).paragraphs, vec!["甲"]);
}

#[test]
fn other_namespace_prefixes_are_understood() {
    let doc = "<x:document xmlns:x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <x:body><x:tbl><x:tr><x:tc><x:p><x:r><x:t>格</x:t></x:r></x:p></x:tc></x:tr></x:tbl>\
        <x:p><x:r><x:t>段</x:t></x:r></x:p></x:body></x:document>";
    let d = read_ok(&docx_raw(doc, None));
    assert_eq!(d.paragraphs, vec!["段"]);
    assert_eq!(cell_texts(&d, 0), vec![vec!["格"]]);
}

#[test]
fn main_part_found_through_relationships() {
    use super::fixture::zip_parts;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let doc = document_xml(&p("主文档"));
    let bytes = zip_parts(
        &[
            ("_rels/.rels", rels.as_bytes()),
            ("word/document2.xml", doc.as_bytes()),
        ],
        zip::CompressionMethod::Stored,
    );
    assert_eq!(read_ok(&bytes).paragraphs, vec!["主文档"]);
}

#[test]
fn a_form_row_reads_like_the_template() {
    let rows = [tc("", &p("企业规模"))
        + &tc(
            "<w:gridSpan w:val=\"3\"/>",
            "<w:p><w:r><w:sym w:font=\"Wingdings 2\" w:char=\"F0A3\"/></w:r><w:r><w:t xml:space=\"preserve\">大型  </w:t></w:r>\
                <w:r><w:sym w:font=\"Wingdings 2\" w:char=\"F052\"/></w:r><w:r><w:t>中型</w:t></w:r></w:p>",
        )];
    let d = body(&tbl(&rows));
    assert_eq!(
        row_text(&d.tables[0].rows[0]),
        vec!["企业规模", "☐大型  ☑中型"]
    );
    assert_eq!(
        crate::forms::choice::parse(&d.tables[0].rows[0][1].text, &["大型", "中型"]),
        crate::forms::choice::Choice::One("中型".into())
    );
}

#[test]
fn a_theme_font_overrides_an_explicit_symbol_font() {
    let d = body(&format!(
        "<w:p>{}{}</w:p>",
        run(
            "<w:rFonts w:ascii=\"Wingdings 2\" w:asciiTheme=\"minorHAnsi\" w:hAnsi=\"Wingdings 2\" w:hAnsiTheme=\"minorHAnsi\"/>",
            "RT"
        ),
        run(
            "<w:rFonts w:asciiTheme=\"minorHAnsi\" w:ascii=\"Wingdings 2\" w:hAnsiTheme=\"minorHAnsi\" w:hAnsi=\"Wingdings 2\"/>",
            "R"
        ),
    ));
    assert_eq!(d.paragraphs, vec!["RTR"]);
}

#[test]
fn utf16_parts_are_decoded() {
    let xml = document_xml(&p("统一社会信用代码")).replacen("UTF-8", "UTF-16", 1);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let zipped = super::fixture::zip_parts(
        &[("word/document.xml", &bytes)],
        zip::CompressionMethod::Deflated,
    );
    assert_eq!(read_ok(&zipped).paragraphs, vec!["统一社会信用代码"]);
}

#[test]
fn a_part_in_a_declared_legacy_encoding_is_decoded() {
    let xml = document_xml(&p("企业名称")).replacen("UTF-8", "GBK", 1);
    let (gbk, _, _) = encoding_rs::GBK.encode(&xml);
    let zipped = super::fixture::zip_parts(
        &[("word/document.xml", &gbk)],
        zip::CompressionMethod::Deflated,
    );
    assert_eq!(read_ok(&zipped).paragraphs, vec!["企业名称"]);
}
