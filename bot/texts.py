"""Every text a respondent or an administrator reads, in one place, in Japanese.

Dates read in one style, the Japanese era as the form writes them (令和8年11月26日(木)), from
`flows.display`. Texts here are plain: the rendering escapes what it puts into mrkdwn.
"""

from __future__ import annotations

from datetime import date, datetime

from flows.display import era_year, format_date_ja, format_time_ja
from flows.engine import Progress
from flows.model import QuestionType

# --- dates and progress ---------------------------------------------------------------------------


def day_text(day: date) -> str:
    """令和8年11月26日(木)"""
    return format_date_ja(day)


def moment_text(at: datetime) -> str:
    """令和8年11月26日(木) 午前10時30分: a local time that is exact (no 頃)."""
    return f"{format_date_ja(at.date())} {format_time_ja(at.time(), approximate=False)}"


def progress_text(progress: Progress) -> str:
    return f"回答済み {progress.answered}問・残り約 {progress.remaining}問"


# --- the conversation -------------------------------------------------------------------------------

STALE = "この操作は反映されませんでした。すでに回答済みか、古いメッセージです。最新のメッセージから操作してください。"
OLD_MESSAGE = "このメッセージは以前の版のものです。`/survey` で続きから回答してください。"
NOT_YOURS = "この回答は別の方のものです。ご自身の回答は `/survey` から始めてください。"
CLOSED_DRAFT = "この回答はすでに送信済みか、中止されています。"
ALREADY_SUBMITTED = "この回答はすでに送信されています。"
NOTHING_TO_CANCEL = "中止できる回答途中の調査はありません。"
CANCELLED = "回答を中止し、途中までの回答を削除しました。"
ASK_TO_CANCEL = "回答を中止しますか?途中までの回答は削除されます。"
NO_DRAFT = "回答途中の調査はありません。"
NOT_ON_PATH = "この質問は、現在の回答では対象外です。"
FIRST_QUESTION = "これが最初の質問です。"
WENT_BACK = "前の質問に戻りました。"
ANSWER_KEPT = "回答は変更しませんでした。"


def submitted_note(receipt_number: str) -> str:
    return f"回答内容を送信しました(受付番号 {receipt_number})。"


SNOOZE_GONE = "このお知らせは、すでに回答済みか中止された調査のものです。"
STALE_SHOWN = "この操作は反映されませんでした(古いメッセージです)。いま回答中の質問を下にお送りします。"
SUPERSEDED = "このメッセージは新しいメッセージに置き換わりました。最新のメッセージから回答してください。"
WENT_TO_REVIEW = "確認画面に戻りました。"
DB_UNAVAILABLE = (
    "回答を保存できませんでした(一時的に混み合っています)。少し待ってから、もう一度操作してください。"
)
ACTION_FAILED = "この操作を完了できませんでした。少し待ってから、もう一度操作してください。"
SLACK_FAILED = (
    "Slack との通信に失敗し、結果をお送りできませんでした。"
    "少し待ってから、もう一度操作してください(保存済みの回答は失われていません)。"
)
DB_UNAVAILABLE_MODAL = (
    "保存できませんでした(一時的に混み合っています)。少し待ってから、もう一度「保存」を押してください。"
)
SLOW_SAVE_MODAL = "保存に時間がかかっています。保存は続けているので、次の質問がメッセージに届いたらこの画面を閉じてください。届かないときは、もう一度「保存」を押してください。"
ASSIGN_ACCEPTED = "依頼を受け付けました。結果はボットとのメッセージでお知らせします。"


def already_submitted(receipt_number: str) -> str:
    return f"この回答は受付番号 {receipt_number} で送信済みです。"


def previous_submission(receipt_number: str, at: datetime) -> str:
    return (
        f"前回の回答は受付番号 *{receipt_number}* として{moment_text(at)}に送信済みです。"
        "\n別の事案について回答する場合は「新しく回答する」を押してください。"
    )


def typed_hint(label: str) -> str:
    return f"いま回答中の質問は「{label}」です。下の質問のメッセージから回答してください。"


TYPED_AT_REVIEW = "すべての質問に回答済みです。下の確認画面で内容を確かめて「送信」を押してください。"
TYPED_ORG_HELP = "所属は、所属名か所属コードを入力して、表示された候補から選んでください。"
SEE_MESSAGES = "ボットとのメッセージ(このアプリの「メッセージ」タブ)をご覧ください。"
SEE_DM = "ボットとのダイレクトメッセージでお知らせします。"
COMMAND_USAGE = "使い方: `/survey`(開始・再開)、`/survey 状況`、`/survey 中止`、`/survey ヘルプ`"
SAVED_ANYTIME = "いつでも中断できます。回答は1問ごとに保存され、`/survey 再開` で続きから回答できます。"
CHOOSE_ALL_THEN_NEXT = "当てはまるものをすべて選び、「次へ」を押してください。"
OPTIONAL = "(任意)"
NOT_ENTERED_YET = "(まだ入力されていません)"

BUTTON_NEXT = "次へ"
BUTTON_BACK = "戻る"
BUTTON_EDIT = "修正"
BUTTON_START = "回答を始める"
BUTTON_START_OVER = "最初から回答する"
BUTTON_RESUME = "続きから回答する"
BUTTON_RESTART = "最初からやり直す"
BUTTON_CANCEL = "中止する"
BUTTON_CANCEL_FROM_HOME = "回答を中止する"
BUTTON_SUBMIT = "送信"
BUTTON_CHANGE = "変更する"
BUTTON_KEEP = "変更しない"
BUTTON_SNOOZE = "あとで"
BUTTON_SKIP = "回答しない"
BUTTON_KEEP_CURRENT = "この回答のまま次へ"
BUTTON_BACK_TO_REVIEW = "確認画面に戻る"
BUTTON_START_NEW = "新しく回答する"
EXCLUSIVE_MARK = "(他と同時に選べません)"  # after an exclusive choice's label

PLACEHOLDER_NUMBER = "数字を入力"
PLACEHOLDER_TEXT = "入力してください"
PLACEHOLDER_DATE = "日付を選ぶ"
PLACEHOLDER_TIME = "時刻を選ぶ"
PLACEHOLDER_ORG = "所属名・所属コードで検索"
PLACEHOLDER_CHOICE = "選択してください"
PLACEHOLDER_REVIEW_EDIT = "修正する質問"
TYPED_ANSWER_LABEL = "回答(入力後 Enter または「次へ」)"

CONFIRM_RESTART = ("最初からやり直す", "途中までの回答は削除されます。よろしいですか?", "やり直す")
CONFIRM_CANCEL = ("回答の中止", "途中までの回答は削除されます。よろしいですか?", "中止する")
AFTER_SUBMIT_NOTE = (
    "送信後の修正・取下げは「/survey 修正 受付番号」「/survey 取下げ 受付番号」で依頼できます。"
)
CONFIRM_SUBMIT = ("回答の送信", "この内容で送信します。" + AFTER_SUBMIT_NOTE, "送信する")


def confirm_submit(unanswered: int) -> tuple[str, str, str]:
    """送信 asks once more when questions are left unanswered."""
    if not unanswered:
        return CONFIRM_SUBMIT
    return (
        "回答の送信",
        f"未回答の質問が{unanswered}問あります。このまま送信しますか?",
        "このまま送信する",
    )


def review_unanswered(count: int) -> str:
    return f":memo: 未回答の質問が *{count}問* あります(「回答しない」を含む)。各項目の「修正する質問」から回答できます。"


CONFIRM_NO = "戻る"

REVIEW_TITLE = "回答内容の確認"
REVIEW_HELP = (
    "内容を確認し、よければ「送信」を押してください。修正するときは各項目の「修正する質問」から選びます。"
)
CHANGE_TITLE = "回答の変更の確認"
CHANGE_WILL_DROP = "次の回答が削除されます:"
CHANGE_WILL_ADD = "次の質問に新たに回答が必要になります:"
CHANGE_ASK = "変更しますか?"
SUBMITTED_TITLE = "送信しました"
INTRO_HOW = (
    "1問ずつ質問します。回答は自動で保存されるので、いつでも中断・再開できます。"
    "最後に回答内容を確認してから送信します。"
)
MODAL_TITLE = "回答の入力"
MODAL_SAVE = "保存"
MODAL_CLOSE = "キャンセル"
MODAL_ANSWER_LABEL = "回答"

HELP_LINES = (
    "`/survey` 回答を始める(途中の回答があれば続きから)",
    "`/survey 再開` 続きから回答する",
    "`/survey 状況` 回答の進み具合を見る",
    "`/survey 中止` 回答を中止する(途中までの回答は削除)",
    "`/survey 控え [受付番号]` 送信した回答の控えと状況を見る",
    "`/survey 修正 受付番号 理由` 送信した回答の修正を依頼する",
    "`/survey 取下げ 受付番号 理由` 送信した回答の取下げを依頼する",
    "`/survey ヘルプ` この説明",
)
HELP_SAVED = "回答は1問ごとに保存されます。いつでも中断し、別の端末からでも続きから回答できます。"
HELP_TYPING = (
    "数字や日付、短い文章の質問は、メッセージ欄に入力して送っても回答できます。選択肢は番号でも選べます。"
)
HELP_ADMIN_LINES = (
    "*管理者向け*",
    "`/survey assign @相手・@グループ・#チャンネル … [期限 YYYY-MM-DD]` 回答を依頼する(`/survey 依頼 …` も同じ)",
    "`/survey 状況` 未提出の人の一覧と件数",
    "管理者チャンネルの「全回答を表示」で、1件ずつ全文を見られます。",
    "管理者チャンネルの「状況を変更」で、確認中・差戻し・取下げ・確定にします。",
    "`/survey 削除 受付番号 理由` 回答を今すぐ削除する(受付番号などの記録だけ残ります)",
    "`/survey 監査 [期間]` だれがいつ何を見たか・変更したかの記録",
)


def closed_period(title: str) -> str:
    return f"「{title}」は現在、回答の受付期間外です。途中までの回答は保存されています。"


def missing_answer(label: str) -> str:
    return f"未回答の質問があります: {label}"


def offer_resume(progress: Progress) -> str:
    return f"回答途中の調査があります({progress_text(progress)})。"


def own_status(progress: Progress, last_activity: datetime) -> str:
    return f"{progress_text(progress)}(最終回答 {moment_text(last_activity)})"


def invited_status(due: date | None) -> str:
    return "回答の依頼が届いています" + (f"(回答期限 {day_text(due)})。" if due else "。")


def open_long_text(max_length: int | None) -> str:
    return f"入力する({max_length:,}文字以内)" if max_length else "入力する"


def answered(label: str) -> str:
    return f"{label}: 回答済み"


def change_lead(label: str, answer: str) -> str:
    return f"*{label}* の回答を「{answer}」に変更すると、"


def submitted(receipt_number: str) -> str:
    return f"送信しました。受付番号は {receipt_number} です。"


def submitted_body(receipt_number: str) -> str:
    return (
        f"ご回答ありがとうございました。\n*受付番号: {receipt_number}*\n"
        "お問い合わせの際は、この受付番号をお伝えください。"
    )


def contact(organization: str, phone: str | None, fax: str | None, email: str | None) -> str:
    parts = [f"問い合わせ先: {organization}"]
    if phone:
        parts.append(f"電話 {phone}")
    if fax:
        parts.append(f"FAX {fax}")
    if email:
        parts.append(email)
    return " / ".join(parts)


# --- the Home tab -----------------------------------------------------------------------------------

HOME_HOW = (
    "質問はボットとのメッセージ(メッセージタブ)に1問ずつ届きます。回答は1問ごとに保存され、"
    "いつでも中断・再開できます。`/survey ヘルプ` で使い方を表示します。"
)
HOME_IN_PROGRESS = "回答途中です"
HOME_CLOSED = "現在、回答の受付期間外です。"


def home_previous(receipt_number: str, at: datetime) -> str:
    return f"前回の送信: 受付番号 {receipt_number}({moment_text(at)})"


def home_progress(progress: Progress, last_activity: datetime | None) -> str:
    when = f"(最終回答 {moment_text(last_activity)})" if last_activity else ""
    return f"*{HOME_IN_PROGRESS}*\n{progress_text(progress)}{when}"


# --- administrators ---------------------------------------------------------------------------------

ADMINS_ONLY = "この操作は管理者のみ行えます。"
ASSIGN_ADMINS_ONLY = ADMINS_ONLY + "(回答の依頼は管理者が行います)"
SUBMISSION_NOT_FOUND = "この回答は見つかりませんでした。"
ASSIGN_USAGE = "使い方: `/survey assign @相手 [@相手2 …] [期限 YYYY-MM-DD]`(`/survey 依頼 …` も同じ)"
ASSIGN_NO_MENTION = "依頼する相手をメンションで指定してください。"
ASSIGN_UNREADABLE_MENTION = "相手を読み取れませんでした。候補から選んでメンションしてください。"
MASKED_PHONE = "【電話番号】"
MASKED_EMAIL = "【メールアドレス】"
MASKED_TWELVE_DIGITS = "【12桁の番号】"
SUMMARY_RECEIPT = "受付番号"
SUMMARY_SUBMITTED_AT = "送信日時"
BUTTON_FULL_ANSWERS = "全回答を表示"
FULL_ANSWERS_TITLE = "回答の全文"  # ≤ 24 characters
FULL_ANSWERS_CLOSE = "閉じる"
FULL_ANSWERS_TRUNCATED = "表示しきれない回答があります。"
NOT_STARTED = "未着手"

COPY_NOTE = "あなたが送信した回答の控えです。ご本人にだけ表示しています。"
COPY_NOT_FOUND = "その受付番号の、あなたの回答は見つかりませんでした。受付番号を確かめてください。"
COPY_NONE = "送信済みの回答はありません。"


def copy_title(receipt_number: str) -> str:
    return f"回答の控え(受付番号 {receipt_number})"


NOTHING_OUTSTANDING = "未提出の依頼・回答途中の調査はありません。"


def summary_text(heading: str, receipt_number: str) -> str:
    return f"{heading}(受付番号 {receipt_number})"


def due_date_unreadable(text: str) -> str:
    return f"期限「{text[:40]}」を日付として読めませんでした。例: 期限 2026-12-10"


def due_date_impossible(text: str) -> str:
    return f"期限「{text[:40]}」は存在しない日付です。"


def due_date_past(due: date) -> str:
    return f"期限 {day_text(due)} はすでに過ぎています。今日以降の日付を指定してください。"


def invited(mention: str) -> str:
    return f"{mention} さんに依頼を送りました。"


def invited_already_answering(mention: str) -> str:
    return f"{mention} さんはすでに回答中です。期限を設定しました。"


def invited_again(mention: str) -> str:
    return f"{mention} さんには依頼済みです。期限を更新しました。"


def assigned_due(due: date | None) -> str:
    return f"(期限 {day_text(due)})" if due else "(期限なし)"


def status_title(title: str) -> str:
    return f"回答状況: {title}"


def status_counts(total: int, started: int) -> str:
    return f"未提出 *{total}件*(回答途中 {started}件・未着手 {total - started}件)"


def status_text(total: int) -> str:
    return f"回答状況: 未提出 {total}件"


def status_in_progress(progress: Progress) -> str:
    return f"回答途中({progress_text(progress)})"


def status_last_activity(at: datetime) -> str:
    return f"最後の操作 {moment_text(at)}"


def status_reminders(count: int) -> str:
    return f"督促 {count}回"


def status_due(due: date, overdue: bool) -> str:
    return f"期限 {day_text(due)}" + ("・*期限超過*" if overdue else "")


STATUS_ESCALATED = "管理者へ通知済み"


def status_more(count: int) -> str:
    return f"ほか {count}件は表示しきれませんでした。"


# --- results: statistics and exports ----------------------------------------------------------------

ADMIN_HOME_TITLE = "管理者メニュー"
ADMIN_HOME_LATEST = "最近の回答"
ADMIN_HOME_NO_SUBMISSION = "まだ回答はありません。"
ADMIN_HOME_PERIOD = "期間"
BUTTON_STATS = "集計"
BUTTON_EXPORT = "エクスポート(Excel)"
ADMIN_HOME_RESULTS_NOTE = "集計・エクスポートは、ボットとのメッセージ(あなただけが見られます)に届きます。"
PERIOD_THIS_YEAR = "今年度"
PERIOD_LAST_YEAR = "前年度"
PERIOD_THIS_MONTH = "今月"


def admin_home_counts(year_label: str, this_year: int, month_label: str, this_month: int) -> str:
    return f"{year_label}の回答 *{this_year}件*・{month_label} *{this_month}件*"


def admin_home_outstanding(total: int, started: int) -> str:
    return f"未提出 {total}件(回答途中 {started}件・未着手 {total - started}件)。詳しくは `/survey 状況`。"


def admin_home_latest_line(receipt: str, department: str, at: datetime) -> str:
    return f"• {receipt}  {department}  {moment_text(at)}"


RESULTS_ADMINS_ONLY = ADMINS_ONLY + "(集計・エクスポートは管理者が行います)"
RESULTS_ACCEPTED = "作成しています。できあがったらボットとのメッセージでお送りします。"
RESULTS_NONE = "この条件に当てはまる回答はありません。"
RESULTS_USAGE = (
    "使い方: `/survey 集計 [期間] [所属 キーワード] [取下げ含む]`、`/survey export [期間] [所属 キーワード] [取下げ含む]`"
    "(期間の例: 2026年度、令和8年度、今年度、2026-04、2026-04-01..2027-03-31)"
)


def withdrawn_left_out(count: int) -> str:
    """Said with the statistics and the export when withdrawn answers were left out."""
    return f"取下げ {count}件は含めていません(含めるときは「取下げ含む」を付けてください)。" if count else ""


WITHDRAWN_INCLUDED = "取下げの回答も含めています。"
HEADER_STATUS = "状況"
STATS_TITLE = "集計結果"
STATS_BY_MONTH = "月別の件数"
STATS_CROSS_TABS = "クロス集計"
STATS_NUMBERS = "数値の質問"
STATS_NO_ANSWER = "回答なし"
SUMMARY_SHEET_COLUMNS = ("選択肢", "件数", "割合")
EXPORT_COMMENT = "回答のエクスポートです。個人情報を含みます。取り扱いにご注意ください(チャンネルへの共有は避けてください)。"
PERIOD_ALL = "全期間"


def stats_heading(title: str, period: str, department: str | None, submissions: int) -> str:
    where = f"・所属「{department}」" if department else ""
    return f"*{title}*\n{period}{where}:回答 *{submissions}件*"


SEPARATOR = "・"


def items(count: int) -> str:
    return f"{count}件"


def month_name(day: date) -> str:
    """令和8年4月"""
    return f"{era_year(day)}{day.month}月"


def fiscal_year_name(fiscal_year: int) -> str:
    """令和8年度: the era of the calendar year the fiscal year ends in (2019年度 is 令和元年度)."""
    return f"{era_year(date(fiscal_year, 12, 31))}度"


def cross_tab_heading(title: str, respondents: int) -> str:
    return f"*{title}*(回答 {respondents}件)"


def count_and_share(count: int, base: int) -> str:
    share = f"{round(100 * count / base)}%" if base else "—"
    return f"{count}件 ({share})"


def chart_base(respondents: int, multi: bool) -> str:
    return f"(回答者{respondents}人中・複数選択)" if multi else f"(回答 {respondents}件)"


def share_note(multi: bool) -> str:
    return (
        "割合は回答者数に対するもの(複数選択のため合計は100%を超えます)"
        if multi
        else "割合は回答数に対するもの"
    )


def number_line(count: int, median: float | None, minimum: int | None, maximum: int | None, unit: str) -> str:
    if not count:
        return "回答なし"
    middle = f"{median:g}" if median is not None else "—"
    return f"回答 {count}件・中央値 {middle}{unit}・最小 {minimum}{unit}・最大 {maximum}{unit}"


AUDIT_COLUMNS = ("日時", "誰が", "どこから", "操作", "受付番号", "内容")
_AUDIT_ACTIONS = {
    "full_answers": "全回答を表示",
    "export": "エクスポート",
    "statistics": "集計",
    "status": "状況の変更",
    "correction": "修正の送信",
    "request": "回答者の依頼",
    "erasure": "削除",
}
_AUDIT_SOURCES = {"slack": "Slack", "cli": "サーバー", "retention": "保存期間の満了"}


def audit_export_detail(filter_text: str, fmt: str, rows: int) -> str:
    return f"{filter_text}・{fmt}・{rows}件"


def audit_stats_detail(period: str, department: str | None, submissions: int) -> str:
    where = f"・所属「{department}」" if department else ""
    return f"{period}{where}・{submissions}件"


def audit_line(at: datetime, actor: str, source: str, action: str, receipts: str, detail: str) -> str:
    who = f"<@{actor}>" if source == "slack" else _AUDIT_SOURCES.get(source, source)
    what = _AUDIT_ACTIONS.get(action, action)
    if action == "status" and "-&gt;" in detail:  # stored as received->checking, escaped for mrkdwn
        before, after = detail.split("-&gt;", 1)
        detail = f"{STATUS_NAMES.get(before, before)}→{STATUS_NAMES.get(after, after)}"
    elif action == "request":
        kind = detail.removeprefix("declined ")  # stored as correction, or declined correction
        detail = f"{REQUEST_NAMES.get(kind, kind)}の依頼" + ("を却下" if kind != detail else "")
    about = f"{receipts}({detail})" if receipts and detail else receipts or detail
    return f"• {moment_text(at)} {who} {what}:{about}"


def audit_heading(period: str, count: int, lines: list[str]) -> str:
    head = f"*監査の記録*({period}・{count}件、新しい順。全件は添付の CSV)"
    return head + ("\n" + "\n".join(lines) if lines else "\n記録はありません。")


def export_log_line(actor: str, at: datetime, source: str, filter_text: str, rows: int) -> str:
    who = f"<@{actor}>" if source == "slack" else "サーバーのコマンド"
    return f"• {moment_text(at)} {who}:{filter_text or PERIOD_ALL} {rows}件"


def export_log(lines: list[str]) -> str:
    if not lines:
        return "*エクスポートの記録*\nまだありません。"
    return "*エクスポートの記録*(新しい順)\n" + "\n".join(lines)


def exported(rows: int, period: str, department: str | None) -> str:
    where = f"・所属「{department}」" if department else ""
    return f"{period}{where}の回答 {rows}件をエクスポートしました。"


# --- reminders, invitations, escalations ------------------------------------------------------------

SNOOZE_NOTE = "「あとで」を押すと、次の営業日の朝にもう一度お知らせします。途中までの回答は保存されています。"
INVITATION_HOW = "1問ずつ質問します。回答は自動で保存されるので、いつでも中断・再開できます。"
ESCALATION_ONCE = "このお知らせは、同じ依頼・回答について1回だけ送ります。"


def reminder_in_progress(title: str, progress: Progress) -> str:
    return f"「{title}」の回答が途中になっています。{progress_text(progress)}です。"


def reminder_not_started(title: str) -> str:
    return f"「{title}」への回答をお願いしています。まだ回答が始まっていません。"


def due_line(due: date) -> str:
    return f"回答期限: *{day_text(due)}*"


def reminder_notification(title: str) -> str:
    return f"「{title}」の回答のお願い"


def snoozed(until: datetime) -> str:
    return f"承知しました。{moment_text(until)}ごろに改めてお知らせします。"


def invitation_heading(title: str) -> str:
    return f"回答のお願い: {title}"


def invitation_from(inviter_mention: str, title: str) -> str:
    return f"{inviter_mention} さんから、「{title}」への回答の依頼が届きました。"


def invitation_notification(title: str) -> str:
    return f"「{title}」への回答のお願い"


def escalation_headline(overdue: bool) -> str:
    return "回答期限を過ぎています" if overdue else "督促しても回答が進んでいません"


def escalation_heading(overdue: bool) -> str:
    return f"未回答のお知らせ: {escalation_headline(overdue)}"


ESCALATION_FIELDS = ("対象者", "調査", "状況", "最後の操作", "督促の回数", "回答期限")
IN_PROGRESS = "回答途中"
NO_DUE_DATE = "なし"


def times(count: int) -> str:
    return f"{count}回"


# --- results: the export file, periods, the command line ---------------------------------------------

# --- periods ----------------------------------------------------------------------------------------


def day_label(day: date) -> str:
    """令和8年4月1日: a bound of a period, without the weekday."""
    return f"{era_year(day)}{day.month}月{day.day}日"


def range_label(start: date, end: date) -> str:
    return f"{day_label(start)}〜{day_label(end)}"


def fiscal_year_label(fiscal_year: int, start: date, end: date) -> str:
    """令和8年度(令和8年4月1日〜令和9年3月31日). The era of a fiscal year is the one its calendar
    year ends in: April 2019 was still 平成31年, but that year is 令和元年度."""
    return f"{era_year(date(fiscal_year, 12, 31))}度({range_label(start, end)})"


def month_label(start: date, end: date) -> str:
    """令和8年4月(令和8年4月1日〜令和8年4月30日)"""
    return f"{era_year(start)}{start.month}月({range_label(start, end)})"


PERIOD_EXAMPLES = "2026-04-01..2027-03-31、2026年度、令和8年度、今年度、前年度、2026-04、今月"


def period_unreadable(typed: str) -> str:
    return f"期間「{typed}」を読み取れません。{PERIOD_EXAMPLES} のように入力してください。"


def period_impossible_day(typed: str) -> str:
    return f"「{typed}」は存在しない日付です。"


def period_reversed(start: date, end: date) -> str:
    return f"期間の始まり({day_label(start)})が終わり({day_label(end)})より後になっています。"


def period_unknown_era(typed: str) -> str:
    return f"「{typed}」の元号と年を読み取れません(例: 令和8年度)。"


# --- the file -----------------------------------------------------------------------------------------

SHEET_ANSWERS = "回答"
SHEET_QUESTIONS = "設問"
SHEET_SUMMARY = "集計"

HEADER_RECEIPT = "受付番号"
HEADER_SUBMITTED_AT = "送信日時"
HEADER_SUBMITTED_ON_JA = "送信日(和暦)"
HEADER_ORG_CODE = "所属コード"
HEADER_ORG_NAME = "所属名"


def choice_flag_header(question_label: str, choice_label: str) -> str:
    """質問13 漏えい等の内容: 氏名 — a 0/1 column of one choice of a multiple-choice question."""
    return f"{question_label}: {choice_label}"


def org_part_header(question_label: str, part: str) -> str:
    """A second 所属 question (the first one has the 所属コード and 所属名 columns)."""
    return f"{question_label}: {part}"


CATALOGUE_HEADERS = ("質問ID", "項目", "見出し", "質問文", "形式", "選択肢", "表示条件", "回答しない", "版")
TYPE_NAMES: dict[QuestionType, str] = {
    "single": "単一選択",
    "multi": "複数選択",
    "integer": "数値",
    "text": "短文",
    "long_text": "長文",
    "date": "日付",
    "time": "時刻",
    "org": "所属",
}
CHOICE_SEPARATOR = "、"
OTHER_MARK = "(自由記述あり)"
CATALOGUE_EXCLUSIVE_MARK = "(単独選択)"
ALWAYS_ASKED = "常に表示"
CAN_DECLINE = "可"
CANNOT_DECLINE = "不可"
CURRENT_VERSION = "現行"
FOLLOW_UP_CONDITION = "その他を選んだとき"


NO_ORG_QUESTION = "この調査には所属の質問がないため、所属では絞り込めません。"


def version_label(version_id: int) -> str:
    return f"第{version_id}版"


# --- the command line ------------------------------------------------------------------------------

CLI_EXPORT_HELP = "回答をExcel(xlsx)またはCSVに書き出す"
CLI_FORMAT_HELP = "ファイル形式(xlsx または csv)"
CLI_FROM_HELP = "この日以降に送信された回答(YYYY-MM-DD)"
CLI_TO_HELP = "この日までに送信された回答(YYYY-MM-DD、この日を含む)"
CLI_PERIOD_HELP = f"期間(例: {PERIOD_EXAMPLES})"
CLI_DEPARTMENT_HELP = "所属の絞り込み(所属コードの先頭、または所属名の一部)"
CLI_OUTPUT_HELP = "書き出すファイル"
CLI_WITH_WITHDRAWN_HELP = "取下げの回答も含める(既定では含めない)"
CLI_PERIOD_AND_DATES = "--period と --from / --to は同時に指定できません。"
DEPARTMENT_ALL = "全所属"


def cli_bad_date(option: str, typed: str) -> str:
    return f"{option} の日付「{typed}」を読み取れません(例: 2026-04-01)。"


def cli_exported(rows: int, path: str) -> str:
    return f"{rows}件の回答を {path} に書き出しました。"


def cli_cannot_write(path: str, reason: str) -> str:
    return f"エラー: {path} に書き出せません({reason})。"


def cli_error(problem: str) -> str:
    return f"エラー: {problem}"


def export_filter(period: str, department: str | None) -> str:
    """What the export record says of the filter: 令和8年度(…)/所属「総務」."""
    return f"{period}/{f'所属「{department}」' if department else DEPARTMENT_ALL}"


# --- after 送信: statuses, corrections, withdrawals, erasure --------------------------------------

STATUS_NAMES = {
    "received": "受付",
    "checking": "確認中",
    "returned": "差戻し中",
    "withdrawn": "取下げ",
    "closed": "確定",
}
# What an administrator picks in the status form: the action, not only the state it leads to.
STATUS_CHOICES = {
    "received": "受付に戻す",
    "checking": "確認中にする",
    "returned": "差戻す(修正を依頼する)",
    "withdrawn": "取下げにする",
    "closed": "確定にする",
}
REQUEST_NAMES = {"correction": "修正", "withdrawal": "取下げ"}
SUMMARY_STATUS = "状況"
BUTTON_CHANGE_STATUS = "状況を変更"
BUTTON_APPROVE = "承認する"
BUTTON_DECLINE = "却下する"
BUTTON_OPEN_CORRECTION = "回答を修正する"
BUTTON_ERASE = "削除する"
STATUS_FORM_TITLE = "状況の変更"  # ≤ 24 characters
STATUS_FORM_SUBMIT = "変更する"
STATUS_FORM_CLOSE = "キャンセル"
STATUS_FORM_TO = "新しい状況"
STATUS_FORM_REASON = "理由(差戻し・取下げでは必須。回答者に伝わります)"
STATUS_REASON_REQUIRED = "差戻し・取下げには理由を入力してください。"
STATUS_NO_CHANGE = "この回答の状況は、これ以上変更できません(取下げ済みです)。"
STATUS_CHANGE_REFUSED = "状況が先に変更されたため、反映できませんでした。最新の状況を確かめてください。"
SUBMISSION_ERASED = "この回答は削除済みです。"
REQUEST_GONE = "この依頼は、すでに処理されています。"
COPY_PENDING_REQUEST = "依頼中"


def submission_status_text(status: str, pending_request: str | None = None) -> str:
    """受付, or 受付(修正の依頼中) while a respondent's request waits for an administrator."""
    text = STATUS_NAMES.get(status, status)
    if pending_request:
        text += f"({REQUEST_NAMES.get(pending_request, pending_request)}の{COPY_PENDING_REQUEST})"
    return text


def status_line(status: str, pending_request: str | None = None) -> str:
    return f"{SUMMARY_STATUS}: {submission_status_text(status, pending_request)}"


def status_form_current(receipt_number: str, status: str) -> str:
    return f"受付番号 {receipt_number}(現在の状況: {STATUS_NAMES.get(status, status)})"


def status_changed_thread(old: str, new: str, actor: str, reason: str) -> str:
    text = f"状況を「{STATUS_NAMES.get(old, old)}」から「{STATUS_NAMES.get(new, new)}」に変更しました(<@{actor}>)。"
    return text + (f"\n理由: {reason}" if reason else "")


def corrected_thread(changed_labels: list[str]) -> str:
    if not changed_labels:
        return "修正されました(回答の内容に変更はありません)。"
    return "修正されました。変更された質問: " + "、".join(changed_labels)


def request_thread(kind: str, user_id: str, reason: str) -> str:
    name = REQUEST_NAMES.get(kind, kind)
    return f"<@{user_id}> さんから{name}の依頼がありました。\n理由: {reason}"


def request_answered_thread(kind: str, approved: bool, actor: str, reason: str = "") -> str:
    name = REQUEST_NAMES.get(kind, kind)
    text = f"{name}の依頼を{'承認' if approved else '却下'}しました(<@{actor}>)。"
    return text + (f"\n理由: {reason}" if reason else "")


def returned_notice(receipt_number: str, reason: str) -> str:
    return (
        f"受付番号 {receipt_number} の回答について、管理者から修正の依頼がありました。\n"
        f"理由: {reason}\n"
        "「回答を修正する」を押すと、送信した回答が開きます。直して送信すると、同じ受付番号のまま置き換わります。"
    )


def status_notice(receipt_number: str, status: str, reason: str) -> str:
    text = f"受付番号 {receipt_number} の回答の状況が「{STATUS_NAMES.get(status, status)}」になりました。"
    return text + (f"\n理由: {reason}" if reason else "")


def declined_notice(receipt_number: str, kind: str, reason: str) -> str:
    text = f"受付番号 {receipt_number} の{REQUEST_NAMES.get(kind, kind)}の依頼は、管理者が見送りました。"
    return text + (f"\n理由: {reason}" if reason else "")


def corrected_note(receipt_number: str) -> str:
    return f"修正した回答を送信しました(受付番号 {receipt_number} のまま置き換わりました)。"


def corrected_receipt(receipt_number: str) -> str:
    return f"修正を受け付けました。受付番号は {receipt_number} のままです。"


def request_accepted(receipt_number: str, kind: str) -> str:
    return (
        f"受付番号 {receipt_number} の{REQUEST_NAMES.get(kind, kind)}の依頼を受け付けました。"
        "管理者が確認して、結果をこのメッセージでお知らせします。"
    )


def request_usage(word: str) -> str:
    return f"使い方: `/survey {word} 受付番号 理由`(例: `/survey {word} 2026-0001 日付を誤って入力したため`)"


def request_refused(receipt_number: str, status: str, pending: str | None) -> str:
    if pending:
        return f"受付番号 {receipt_number} には、処理待ちの{REQUEST_NAMES.get(pending, pending)}の依頼があります。管理者の確認をお待ちください。"
    return f"受付番号 {receipt_number} の回答は「{STATUS_NAMES.get(status, status)}」のため、この依頼はできません。"


CORRECTION_NOT_RETURNED = "この回答は修正の対象ではありません(差戻しが取り消されたか、すでに修正済みです)。"
CORRECTION_BUSY = "回答途中の調査があります。先にそちらを送信するか `/survey 中止` してから、もう一度「回答を修正する」を押してください。"
CORRECTION_OPENED = "送信した回答を開きました。直す質問を選んで変更し、最後に「送信」を押してください。"
CORRECTION_CLOSED = "この回答は修正できなくなりました(管理者が状況を変更しました)。"
ERASE_USAGE = "使い方: `/survey 削除 受付番号 理由`(理由は必須です)"
ERASE_CONFIRM_TITLE = "回答の削除"


def erase_question(receipt_number: str, reason: str) -> str:
    return (
        f"受付番号 {receipt_number} の回答を削除します。回答・履歴・管理者チャンネルの投稿が消え、"
        f"受付番号・日付・状況・削除した人と理由だけが残ります。元に戻せません。\n理由: {reason}"
    )


def erased_note(receipt_number: str) -> str:
    return f"受付番号 {receipt_number} の回答を削除しました。"


RETENTION_ERASED_BY = "保存期間の満了"


def copy_erased(receipt_number: str) -> str:
    return f"受付番号 {receipt_number} の回答は削除されています(受付番号などの記録だけが残っています)。"


# --- masking (bot/masking.py): what replaces personal data in channel posts ----------------------

MASKED_ADDRESS = "【住所】"
MASKED_CORPORATE_NUMBER = "【13桁の番号】"
SUMMARY_MASKED_NOTE = (
    "電話番号・メールアドレス・住所・12桁と13桁の番号は伏せています。全文は「全回答を表示」から。"
)


# --- text that cannot be stored (bot/listeners/carrying.py, the status form) ----------------------

UNSTORABLE_TEXT = (
    "使えない文字が含まれているため、保存できませんでした。絵文字や記号を除いて、もう一度操作してください。"
)


# --- bulk invitations (bot/invitations.py): `/survey assign` with user groups and channels -----------

ASSIGN_USAGE_ALL = (
    "使い方: `/survey assign @相手 @グループ #チャンネル … [期限 YYYY-MM-DD]`(`/survey 依頼 …` も同じ。"
    "グループとチャンネルはメンバー全員に依頼します)"
)
ASSIGN_NOBODY = "依頼する相手がいませんでした(グループやチャンネルにメンバーがいません)。"
INVITED_NONE = "新たに依頼した人はいません。"
MEMBERS_NO_SCOPE = "アプリに必要な権限がありません。マニフェストを更新してアプリを再インストールしてください"
MEMBERS_GROUP_NOT_FOUND = "ユーザーグループが見つかりません"
MEMBERS_NO_GROUPS = "このワークスペースのプランではユーザーグループを使えません"
MEMBERS_CHANNEL_NOT_FOUND = "チャンネルが見つからないか、非公開チャンネルにこのアプリが参加していません"


def invited_many(count: int) -> str:
    return f"{count:,}人に依頼を送りました。"


def already_invited_list(count: int, mentions: str) -> str:
    return f"依頼済みのため期限を更新しました({count:,}人): {mentions}"


def already_answering_list(count: int, mentions: str) -> str:
    return f"回答中のため期限を設定しました({count:,}人): {mentions}"


def and_others(count: int) -> str:
    return f"ほか{count:,}人"


def invitation_cap(cap: int, left: int) -> str:
    return (
        f"一度に依頼できるのは{cap:,}人までです。残りの{left:,}人にはまだ依頼していません。"
        "同じコマンドをもう一度実行すると、続きの人に依頼します。"
    )


def members_unreadable(label: str, reason: str) -> str:
    return f"{label} のメンバーを読み取れませんでした({reason})。"


def members_rate_limited(seconds: int) -> str:
    return f"Slack の呼び出し回数の上限に達しました。{seconds}秒ほど待ってから、もう一度実行してください"


def members_slack_error(code: str) -> str:
    return f"Slack のエラー: {code}"


def members_partly(label: str, count: int) -> str:
    return f"{label} は人数が多いため、最初の{count:,}人だけを対象にしました。"
