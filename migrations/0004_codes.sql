-- Stored states are stable codes, never display text. verdicts.ignored_reason held the Chinese
-- sentence the judge wrote (and `status` found staff questions by excluding some of them);
-- it now holds the reason's code (verdict::IgnoredReason) and the detail beside it: the header
-- of automatic mail, or how a reply was recognised as answering ours.
ALTER TABLE verdicts ADD COLUMN ignored_detail TEXT;

UPDATE verdicts SET ignored_detail = substr(ignored_reason, length('自动邮件：') + 1),
    ignored_reason = 'automatic'
    WHERE substr(ignored_reason, 1, length('自动邮件：')) = '自动邮件：';

UPDATE verdicts SET ignored_reason = 'own_mail' WHERE ignored_reason = '本邮箱自身发出的邮件';

UPDATE verdicts SET
    ignored_detail = rtrim(substr(ignored_reason,
        length('回复本邮箱的回执或通知并提出问题，请工作人员答复（') + 1), '）'),
    ignored_reason = 'reply_with_question'
    WHERE substr(ignored_reason, 1, length('回复本邮箱的回执或通知并提出问题，请工作人员答复（'))
        = '回复本邮箱的回执或通知并提出问题，请工作人员答复（';

UPDATE verdicts SET
    ignored_detail = rtrim(substr(ignored_reason,
        length('回复本邮箱的回执或通知，无附件、未提问，无需答复（') + 1), '）'),
    ignored_reason = 'reply_nothing_to_answer'
    WHERE substr(ignored_reason, 1, length('回复本邮箱的回执或通知，无附件、未提问，无需答复（'))
        = '回复本邮箱的回执或通知，无附件、未提问，无需答复（';

UPDATE verdicts SET ignored_reason = 'question'
    WHERE ignored_reason = '无附件的咨询邮件，请工作人员答复';

-- Any other wording (none was ever written): kept as the detail of a question, so staff see
-- it rather than nobody.
UPDATE verdicts SET ignored_detail = ignored_reason, ignored_reason = 'question'
    WHERE ignored_reason IS NOT NULL AND ignored_reason NOT IN
        ('automatic', 'own_mail', 'reply_with_question', 'reply_nothing_to_answer', 'question');
