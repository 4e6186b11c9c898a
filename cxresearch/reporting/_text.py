"""The report's own words in English, Persian and Russian (``--lang en|fa|ru``).

Each message is a :meth:`str.format` template of the report's own HTML; values from the
data are put in escaped by :func:`cxresearch.reporting._html._fill`. The statistics are
named with the course glossary's terms (``datasets/glossary.csv``, loaded as
``cx.load_dataset("glossary")``): a Persian or Russian message writes ``{g[p-value]}``
and gets the glossary's ``term_fa`` or ``term_ru``, so the report and the course use one
word for one idea. Warnings of the statistical functions and the column names of the
appendix's tables stay as the package writes them (English), as in ``report.json``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ._html import _escape, _fill, _Safe

_TAG = re.compile(r"<[^>]*>")  # the report's own markup: data never holds a raw "<"
_TERM = re.compile(r"\{g\[([^\]]+)\]\}")

#: The languages of the page, and the direction each is written in.
LANGUAGES = {"en": "ltr", "fa": "rtl", "ru": "ltr"}

# key -> (English, Persian, Russian)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "title": (
        "CX driver report: {name}",
        "گزارش محرک‌های تجربهٔ مشتری: {name}",
        "Отчёт о драйверах клиентского опыта: {name}",
    ),
    "intro": (
        "{n:,} respondents and {k:,} columns (format: {format}). Outcome <b>{outcome}</b>; "
        "drivers <b>{drivers}</b>. Intervals are {ci:.0%} confidence intervals. Made with "
        "cxresearch {version}; the code of every section is in <code>report.ipynb</code> "
        "beside this page.",
        "{n:,} پاسخ‌دهنده و {k:,} ستون (قالب: {format}). پیامد: <b>{outcome}</b>؛ محرک‌ها: "
        "<b>{drivers}</b>. بازه‌ها {g[confidence interval]} {ci:.0%} هستند. ساخته‌شده با "
        "cxresearch {version}؛ کد هر بخش در <code>report.ipynb</code> کنار این صفحه است.",
        "{n:,} респондентов и {k:,} столбцов (формат: {format}). Результат: <b>{outcome}</b>; "
        "драйверы: <b>{drivers}</b>. Интервалы — {g[confidence interval]} {ci:.0%}. "
        "Сделано в cxresearch {version}; код каждого раздела — в <code>report.ipynb</code> "
        "рядом с этой страницей.",
    ),
    "role": (
        "; {what} <b>{column}</b>",
        "؛ {what} <b>{column}</b>",
        "; {what} <b>{column}</b>",
    ),
    "role_weights": ("survey weights from", "{g[survey weights]} از", "{g[survey weights]} из"),
    "role_by": ("groups by", "گروه‌ها بر پایهٔ", "группы по"),
    "role_cluster": (
        "standard errors clustered by",
        "{g[clustered standard errors]} بر پایهٔ",
        "{g[clustered standard errors]} по",
    ),
    # ---------------------------------------------------------------- the first page
    "h_summary": ("At a glance", "در یک نگاه", "Коротко"),
    "who": (
        "<b>Who answered.</b> {n:,} people answered; {complete:,} of them ({share:.0%}) "
        "answered every question this report uses.",
        "<b>چه کسانی پاسخ دادند.</b> {n:,} نفر پاسخ دادند؛ {complete:,} نفر از آنان "
        "({share:.0%}) به همهٔ پرسش‌هایی که این گزارش به کار می‌برد پاسخ دادند.",
        "<b>Кто ответил.</b> Ответили {n:,} человек; {complete:,} из них ({share:.0%}) "
        "ответили на все вопросы, которые использует этот отчёт.",
    ),
    "who_weights": (
        " The results are weighted by <b>{weights}</b>.",
        " نتایج با <b>{weights}</b> وزن‌دهی شده‌اند.",
        " Результаты взвешены по <b>{weights}</b>.",
    ),
    "who_by": (" By {by}: {groups}.", " بر پایهٔ {by}: {groups}.", " По {by}: {groups}."),
    "group_count": (
        "{level} {n:,} ({share:.0%})",
        "{level} {n:,} ({share:.0%})",
        "{level} {n:,} ({share:.0%})",
    ),  # fmt: skip
    "alt_who": (
        "Bar chart of respondents per group of {by}: {groups}.",
        "نمودار میله‌ای شمار پاسخ‌دهندگان در هر گروه {by}: {groups}.",
        "Столбчатая диаграмма числа респондентов по группам {by}: {groups}.",
    ),
    "respondents": ("respondents", "پاسخ‌دهندگان", "респонденты"),
    "count": ("{n:,}", "{n:,}", "{n:,}"),
    "share": ("{share:.0%}", "{share:.0%}", "{share:.0%}"),
    "mean": (
        "<b>{outcome}</b> averages {mean:.2f} on a scale from {low:g} to {high:g} "
        "({ci:.0%} confidence interval {lo:.2f} to {hi:.2f}).",
        "میانگین <b>{outcome}</b> {mean:.2f} روی مقیاس {low:g} تا {high:g} است "
        "({g[confidence interval]} {ci:.0%}: {lo:.2f} تا {hi:.2f}).",
        "Среднее <b>{outcome}</b> — {mean:.2f} по шкале от {low:g} до {high:g} "
        "({g[confidence interval]} {ci:.0%}: от {lo:.2f} до {hi:.2f}).",
    ),
    "share_yes": (
        "<b>{outcome}</b>: {mean:.0%} answered yes (1) ({ci:.0%} confidence interval "
        "{lo:.0%} to {hi:.0%}).",
        "<b>{outcome}</b>: {mean:.0%} پاسخ بله (۱) دادند ({g[confidence interval]} {ci:.0%}: "
        "{lo:.0%} تا {hi:.0%}).",
        "<b>{outcome}</b>: {mean:.0%} ответили «да» (1) ({g[confidence interval]} {ci:.0%}: "
        "от {lo:.0%} до {hi:.0%}).",
    ),
    "nps": (
        "<b>Net Promoter Score</b> ({column}): {value:.0f} ({ci:.0%} confidence interval "
        "{lo:.0f} to {hi:.0f}): {promoters:.0%} promoters (9-10) minus {detractors:.0%} "
        "detractors (0-6).",
        "<b>{g[Net Promoter Score (NPS)]}</b> ({column}): {value:.0f} ({g[confidence interval]} "
        "{ci:.0%}: {lo:.0f} تا {hi:.0f})؛ {promoters:.0%} مروج (۹ تا ۱۰) منهای {detractors:.0%} "
        "منتقد (۰ تا ۶).",
        "<b>{g[Net Promoter Score (NPS)]}</b> ({column}): {value:.0f} ({g[confidence interval]} "
        "{ci:.0%}: от {lo:.0f} до {hi:.0f}): {promoters:.0%} промоутеров (9–10) минус "
        "{detractors:.0%} критиков (0–6).",
    ),
    "csat": (
        "<b>CSAT</b> of {column} (share of the top two answers): {value:.0f}% ({ci:.0%} "
        "confidence interval {lo:.0f}% to {hi:.0f}%).",
        "<b>CSAT</b> برای {column} (سهم دو پاسخ بالا): {value:.0f}٪ ({g[confidence interval]} "
        "{ci:.0%}: {lo:.0f}٪ تا {hi:.0f}٪).",
        "<b>CSAT</b> для {column} (доля двух верхних ответов): {value:.0f}% "
        "({g[confidence interval]} {ci:.0%}: от {lo:.0f}% до {hi:.0f}%).",
    ),
    "csat_range": (
        "<b>CSAT</b> (share of the top two answers) of the {k} items of {outcome}: from "
        "{low:.0f}% ({first}) to {high:.0f}% ({last}); each with its interval in the "
        "appendix.",
        "<b>CSAT</b> (سهم دو پاسخ بالا) برای {k} گویهٔ {outcome}: از {low:.0f}٪ ({first}) تا "
        "{high:.0f}٪ ({last})؛ بازهٔ هر یک در پیوست آمده است.",
        "<b>CSAT</b> (доля двух верхних ответов) для {k} пунктов {outcome}: от {low:.0f}% "
        "({first}) до {high:.0f}% ({last}); интервалы — в приложении.",
    ),
    "overlap": (
        "Their intervals overlap, so another sample could order these drivers differently.",
        "بازه‌هایشان هم‌پوشانی دارند، پس نمونه‌ای دیگر ممکن است این محرک‌ها را به ترتیب دیگری بچیند.",
        "Их интервалы перекрываются, поэтому в другой выборке порядок этих драйверов может "
        "быть иным.",
    ),
    "difference": (
        "{metric}: {a} is {d:.1f} points {direction} than {b} ({ci:.0%} confidence interval "
        "of the difference {lo:.1f} to {hi:.1f}; p {p}).",
        "{metric}: {a} {d:.1f} امتیاز {direction} از {b} است ({g[confidence interval]} {ci:.0%} "
        "تفاوت: {lo:.1f} تا {hi:.1f}؛ {g[p-value]} {p}).",
        "{metric}: у {a} на {d:.1f} пункта {direction}, чем у {b} ({g[confidence interval]} "
        "{ci:.0%} для разницы: от {lo:.1f} до {hi:.1f}; {g[p-value]} {p}).",
    ),
    "higher": ("higher", "بالاتر", "выше"),
    "lower": ("lower", "پایین‌تر", "ниже"),
    "no_difference": (
        "No difference between the groups of {by} holds up at the {ci:.0%} level.",
        "هیچ تفاوتی میان گروه‌های {by} در سطح {ci:.0%} پابرجا نمی‌ماند.",
        "Ни одно различие между группами {by} не подтверждается на уровне {ci:.0%}.",
    ),
    "alt_nps": (
        "Net Promoter Score with its {ci:.0%} confidence interval{by}: {values}.",
        "{g[Net Promoter Score (NPS)]} با {g[confidence interval]} {ci:.0%}{by}: {values}.",
        "{g[Net Promoter Score (NPS)]} с {g[confidence interval]} {ci:.0%}{by}: {values}.",
    ),
    "alt_by": (", overall and by {by}", "، کلی و بر پایهٔ {by}", ", в целом и по {by}"),
    "drivers_head": (
        "<b>What matters most.</b> Together the drivers explain {r2:.0%} of the differences "
        "in {outcome} between respondents (R²). The ones that matter most, by their share "
        "of that:",
        "<b>چه چیزی بیشتر اهمیت دارد.</b> محرک‌ها روی هم {r2:.0%} از تفاوت‌های {outcome} میان "
        "پاسخ‌دهندگان را توضیح می‌دهند ({g[R² (coefficient of determination)]}). مهم‌ترین‌ها، "
        "بر پایهٔ سهمشان از آن:",
        "<b>Что важнее всего.</b> Вместе драйверы объясняют {r2:.0%} различий в {outcome} "
        "между респондентами ({g[R² (coefficient of determination)]}). Самые важные — по их "
        "доле в этом:",
    ),
    "driver_item": (
        "<b>{name}</b>: {points:.1f} of the {total:.1f} percentage points ({share:.0%}); "
        "{ci:.0%} confidence interval {lo:.1f} to {hi:.1f} points",
        "<b>{name}</b>: {points:.1f} از {total:.1f} واحد درصد ({share:.0%})؛ "
        "{g[confidence interval]} {ci:.0%}: {lo:.1f} تا {hi:.1f} واحد",
        "<b>{name}</b>: {points:.1f} из {total:.1f} процентного пункта ({share:.0%}); "
        "{g[confidence interval]} {ci:.0%}: от {lo:.1f} до {hi:.1f} пункта",
    ),
    "driver_item_point": (
        "<b>{name}</b>: {points:.1f} of the {total:.1f} percentage points ({share:.0%})",
        "<b>{name}</b>: {points:.1f} از {total:.1f} واحد درصد ({share:.0%})",
        "<b>{name}</b>: {points:.1f} из {total:.1f} процентного пункта ({share:.0%})",
    ),
    "drivers_linear": (
        "The outcome is 0/1: the shares come from a linear probability model, and the "
        "logistic model in the appendix gives the effects on the probability.",
        "پیامد ۰/۱ است: سهم‌ها از مدل احتمال خطی می‌آیند و مدل {g[logit]} در پیوست اثرها "
        "بر احتمال را می‌دهد.",
        "Результат принимает значения 0/1: доли получены из линейной вероятностной модели, "
        "а {g[logit]}-модель в приложении даёт эффекты на вероятность.",
    ),
    "one_driver": (
        "<b>What matters.</b> With one numeric driver there is nothing to rank; the driver "
        "model in the appendix gives its effect.",
        "<b>چه چیزی اهمیت دارد.</b> با یک محرک عددی چیزی برای رتبه‌بندی نیست؛ مدل محرک‌ها "
        "در پیوست اثر آن را می‌دهد.",
        "<b>Что важно.</b> При одном числовом драйвере ранжировать нечего; его эффект — в "
        "модели драйверов в приложении.",
    ),
    "alt_drivers": (
        "Bar chart of each driver's contribution to R² with its interval; {name} is "
        "largest, with {share:.0%} of R² = {r2:.2f}.",
        "نمودار میله‌ای سهم هر محرک از {g[R² (coefficient of determination)]} با بازه‌اش؛ "
        "{name} بزرگ‌ترین است، با {share:.0%} از {r2:.2f}.",
        "Столбчатая диаграмма вклада каждого драйвера в R² с интервалом; больше всего у "
        "{name}: {share:.0%} от R² = {r2:.2f}.",
    ),
    "fix_first": (
        "<b>Fix first: {names}.</b> More important than the average driver, and rated "
        "below the average of the drivers ({details}).",
        "<b>نخست این را درست کنید: {names}.</b> مهم‌تر از میانگین محرک‌ها و با امتیازی پایین‌تر "
        "از میانگین آن‌ها ({details}).",
        "<b>Исправить в первую очередь: {names}.</b> Важнее среднего драйвера и оценены ниже "
        "среднего по драйверам ({details}).",
    ),
    "fix_detail": ("{name} {mean:.2f}", "{name} {mean:.2f}", "{name} {mean:.2f}"),
    "fix_none": (
        "<b>Fix first:</b> no driver is both more important and rated lower than the "
        "average driver; the most important, {name}, is rated {mean:.2f} (average of the "
        "drivers {average:.2f}).",
        "<b>نخست چه چیزی را درست کنیم:</b> هیچ محرکی هم مهم‌تر و هم کم‌امتیازتر از میانگین "
        "محرک‌ها نیست؛ مهم‌ترین، {name}، امتیاز {mean:.2f} دارد (میانگین محرک‌ها {average:.2f}).",
        "<b>Что исправить первым:</b> ни один драйвер не является одновременно важнее и хуже "
        "оценённым, чем средний; самый важный, {name}, оценён в {mean:.2f} (среднее по "
        "драйверам {average:.2f}).",
    ),
    "alt_ipa": (
        "Importance-performance map of {k} drivers: importance (share of R²) against "
        "performance (mean rating), with lines at the averages; in the fix-first corner: "
        "{names}.",
        "نقشهٔ {g[importance–performance analysis]} برای {k} محرک: اهمیت (سهم از R²) در برابر "
        "عملکرد (میانگین امتیاز)، با خط‌هایی در میانگین‌ها؛ در گوشهٔ «نخست درست کنید»: {names}.",
        "Карта важности и исполнения для {k} драйверов: важность (доля R²) против исполнения "
        "(средней оценки), линии на средних; в углу «исправить первым»: {names}.",
    ),
    "none": ("none", "هیچ", "нет"),
    "quadrant_concentrate here": ("concentrate here", "اینجا تمرکز کنید", "сосредоточиться"),
    "quadrant_keep up the good work": (
        "keep up the good work",
        "همین‌طور ادامه دهید",
        "так держать",
    ),
    "quadrant_low priority": ("low priority", "اولویت پایین", "низкий приоритет"),
    "quadrant_possible overkill": (
        "possible overkill",
        "شاید بیش از اندازه",
        "возможно, избыточно",
    ),
    "importance_axis": ("importance (share of R²)", "اهمیت (سهم از R²)", "важность (доля R²)"),
    "performance_axis": (
        "performance (mean rating)",
        "عملکرد (میانگین امتیاز)",
        "исполнение (средняя оценка)",
    ),
    "nps_detractors": ("Detractors (0-6)", "منتقدان (۰ تا ۶)", "Критики (0–6)"),
    "nps_passives": ("Passives (7-8)", "منفعل‌ها (۷ تا ۸)", "Нейтралы (7–8)"),
    "nps_promoters": ("Promoters (9-10)", "مروجان (۹ تا ۱۰)", "Промоутеры (9–10)"),
    "nps_axis": ("Share of answers (%)", "سهم پاسخ‌ها (٪)", "Доля ответов (%)"),
    "nps_label": (
        "NPS {nps:+.0f}\n{level}% CI {lo:+.0f} to {hi:+.0f}",
        "NPS {nps:+.0f}\nبازهٔ {level}٪: {lo:+.0f} تا {hi:+.0f}",
        "NPS {nps:+.0f}\n{level}% ДИ: от {lo:+.0f} до {hi:+.0f}",
    ),
    "dominance_axis": (
        "Contribution to R² = {r2:.3f} (general dominance)",
        "سهم از R² = {r2:.3f} ({g[dominance analysis]})",
        "Вклад в R² = {r2:.3f} ({g[dominance analysis]})",
    ),
    "dominance_axis_ci": (
        ", with {ci:.0%} bootstrap interval",
        "، با بازهٔ {g[bootstrap]} {ci:.0%}",
        ", с бутстреп-интервалом {ci:.0%}",
    ),
    "dominance_title": (
        "Each driver's share of R² at its bar",
        "سهم هر محرک از R² کنار میله‌اش",
        "Доля каждого драйвера в R² — у его столбца",
    ),
    # ---------------------------------------------------------------- the appendix
    "h_appendix": ("Technical appendix", "پیوست فنی", "Техническое приложение"),
    "appendix": (
        "The tables and models behind the first page. Column names in the tables are as "
        "in <code>report.json</code>.",
        "جدول‌ها و مدل‌های پشت صفحهٔ نخست. نام ستون‌ها در جدول‌ها همان نام‌های "
        "<code>report.json</code> است (به انگلیسی).",
        "Таблицы и модели, на которых основана первая страница. Названия столбцов в "
        "таблицах — как в <code>report.json</code> (по-английски).",
    ),
    "h_data": (
        "1. The data and its codebook",
        "۱. داده‌ها و کتابچهٔ کدها",
        "1. Данные и кодовая книга",
    ),  # fmt: skip
    "data": (
        "The variables the report uses, with their role and answer scale. A name that is "
        "not a column of the file is a multi-item scale: its score is the mean of the "
        "answered items when at least half of them were answered.",
        "متغیرهایی که گزارش به کار می‌برد، با نقش و مقیاس پاسخشان. نامی که ستونی از فایل "
        "نیست یک مقیاس چندگویه‌ای است: {g[scale score]} میانگین گویه‌های پاسخ‌داده است، "
        "وقتی دست‌کم نیمی از آن‌ها پاسخ داده شده باشد.",
        "Переменные отчёта, их роль и шкала ответов. Имя, которого нет среди столбцов файла, — "
        "многопунктовая шкала: {g[scale score]} — среднее отвеченных пунктов, если отвечено "
        "не меньше половины.",
    ),
    "codebook": (
        "<b>The codebook</b> (value labels cut at 60 characters; <code>n_user_missing</code> "
        "counts declared missing codes turned into missing values).",
        "<b>کتابچهٔ کدها</b> (برچسب‌های مقدار تا ۶۰ نویسه؛ <code>n_user_missing</code> "
        "کدهای گمشدهٔ اعلام‌شده را می‌شمارد).",
        "<b>Кодовая книга</b> (метки значений обрезаны до 60 символов; "
        "<code>n_user_missing</code> — объявленные коды пропусков).",
    ),
    "descending": (
        "Codes reversed because the codebook says the scale runs from the best answer to "
        "the worst (direction <i>descending</i>), so that a higher code is a better answer: "
        "<b>{items}</b>.",
        "کدهایی که معکوس شدند چون کتابچهٔ کدها می‌گوید مقیاس از بهترین پاسخ به بدترین است "
        "(جهت <i>descending</i>)، تا کد بالاتر پاسخ بهتری باشد: <b>{items}</b>.",
        "Коды перевёрнуты, так как по кодовой книге шкала идёт от лучшего ответа к худшему "
        "(направление <i>descending</i>), чтобы больший код был лучшим ответом: "
        "<b>{items}</b>.",
    ),
    "h_missing": ("2. Missing data", "۲. داده‌های گمشده", "2. Пропуски"),
    "missing": (
        "{complete:,} of {n:,} respondents ({share:.0%}) answered every one of these {k} "
        "columns; {patterns} patterns of missing answers. Each model uses the complete rows "
        "of the variables it needs (listwise deletion) and reports how many rows it dropped.",
        "{complete:,} از {n:,} پاسخ‌دهنده ({share:.0%}) به همهٔ این {k} ستون پاسخ دادند؛ "
        "{patterns} الگوی پاسخ گمشده. هر مدل ردیف‌های کامل متغیرهای خود را به کار می‌برد "
        "({g[listwise deletion]}) و شمار ردیف‌های کنارگذاشته را می‌گوید.",
        "{complete:,} из {n:,} респондентов ({share:.0%}) ответили на все {k} столбцов; "
        "{patterns} шаблонов пропусков. Каждая модель берёт полные строки нужных ей "
        "переменных ({g[listwise deletion]}) и сообщает, сколько строк отброшено.",
    ),
    "missing_columns": (
        "<b>Columns with missing answers</b> (the other {k} are complete):",
        "<b>ستون‌های دارای پاسخ گمشده</b> ({k} ستون دیگر کامل‌اند):",
        "<b>Столбцы с пропусками</b> (остальные {k} полные):",
    ),
    "missing_patterns": (
        "<b>Patterns</b> (<code>X</code> missing, <code>.</code> present; columns: {used}), "
        "ten most frequent:",
        "<b>الگوها</b> (<code>X</code> گمشده، <code>.</code> موجود؛ ستون‌ها: {used})، "
        "ده الگوی پرتکرار:",
        "<b>Шаблоны</b> (<code>X</code> — пропуск, <code>.</code> — ответ; столбцы: {used}), "
        "десять самых частых:",
    ),
    "h_metrics": ("3. NPS and CSAT", "۳. NPS و CSAT", "3. NPS и CSAT"),
    "metrics": (
        "The Net Promoter Score (share of promoters, 9-10, minus share of detractors, 0-6, on "
        "the 0-10 likelihood-to-recommend question) and CSAT (share of the top two answers "
        "of a rating scale), overall and by group, with confidence intervals. Differences "
        "between groups come with an adjusted Wald interval and a p-value.",
        "{g[Net Promoter Score (NPS)]} (سهم مروجان، ۹ تا ۱۰، منهای سهم منتقدان، ۰ تا ۶، در "
        "پرسش ۰ تا ۱۰ احتمال توصیه) و CSAT (سهم دو پاسخ بالای یک مقیاس درجه‌بندی)، کلی و "
        "به تفکیک گروه، با {g[confidence interval]}. تفاوت گروه‌ها با بازهٔ والد تعدیل‌شده و "
        "{g[p-value]} آمده است.",
        "{g[Net Promoter Score (NPS)]} (доля промоутеров, 9–10, минус доля критиков, 0–6, в "
        "вопросе о готовности рекомендовать по шкале 0–10) и CSAT (доля двух верхних "
        "ответов рейтинговой шкалы), в целом и по группам, с доверительными интервалами. "
        "Для различий между группами — скорректированный интервал Вальда и {g[p-value]}.",
    ),
    "no_nps": (
        "No 0-10 likelihood-to-recommend column was found, so there is no NPS here. Name "
        "one with <code>--nps COLUMN</code> (<code>nps=</code> in Python).",
        "ستون ۰ تا ۱۰ احتمال توصیه پیدا نشد، پس NPS در کار نیست. با "
        "<code>--nps COLUMN</code> یکی را نام ببرید.",
        "Столбец готовности рекомендовать (0–10) не найден, поэтому NPS нет. Укажите его: "
        "<code>--nps COLUMN</code> (<code>nps=</code> в Python).",
    ),
    "nps_table": ("<b>NPS of {nps}</b>", "<b>NPS برای {nps}</b>", "<b>NPS для {nps}</b>"),
    "group_tests": (
        "<b>Differences between groups</b>",
        "<b>تفاوت میان گروه‌ها</b>",
        "<b>Различия между группами</b>",
    ),  # fmt: skip
    "not_compared": (
        "<i>Not compared:</i> {col}, {a} vs {b}: {error}",
        "<i>مقایسه نشد:</i> {col}، {a} در برابر {b}: {error}",
        "<i>Не сравнивалось:</i> {col}, {a} и {b}: {error}",
    ),
    "csat_table": (
        "<b>CSAT</b>: share (%) answering one of the top two points of the scale (e.g. {top} "
        "or {high} on {low}-{high}), and the mean answer.",
        "<b>CSAT</b>: سهم (٪) پاسخ در یکی از دو نقطهٔ بالای مقیاس (مثلاً {top} یا {high} روی "
        "{low} تا {high})، و میانگین پاسخ.",
        "<b>CSAT</b>: доля (%) ответов в двух верхних точках шкалы (например, {top} или "
        "{high} на шкале {low}–{high}) и средний ответ.",
    ),
    "no_csat": (
        "No CSAT: the outcome <b>{outcome}</b> is not a labelled rating scale (whole-number "
        "answers on 3 to 11 points with labelled ends), so the share of its top two points "
        "would mean nothing. Name rating columns with <code>--csat COLUMN,...</code> "
        "(<code>csat=</code> in Python) to show it.",
        "CSAT نیست: پیامد <b>{outcome}</b> یک مقیاس درجه‌بندی برچسب‌دار نیست (پاسخ‌های "
        "عدد صحیح روی ۳ تا ۱۱ نقطه با دو سر برچسب‌دار)، پس سهم دو نقطهٔ بالایش معنایی "
        "ندارد. برای نشان‌دادنش ستون‌ها را با <code>--csat COLUMN,...</code> نام ببرید.",
        "CSAT нет: результат <b>{outcome}</b> — не размеченная рейтинговая шкала (целые "
        "ответы на 3–11 точках с подписанными краями), и доля двух верхних точек ничего не "
        "значила бы. Укажите столбцы: <code>--csat COLUMN,...</code> (<code>csat=</code> в "
        "Python).",
    ),
    "h_reliability": (
        "4. Reliability of the multi-item scales",
        "۴. پایایی مقیاس‌های چندگویه‌ای",
        "4. Надёжность многопунктовых шкал",
    ),
    "reliability": (
        "Cronbach's alpha of each scale (weighted with the survey weights when given), with "
        "its confidence interval, and composite reliability (rho_c) and average variance "
        "extracted (AVE) from one-factor loadings (unweighted). Alpha of 0.7 or more is the "
        "usual bar; AVE of 0.5 or more means the items share more variance with their scale "
        "than with error.",
        "{g[Cronbach's alpha]} هر مقیاس (با {g[survey weights]} اگر داده شده باشد) با "
        "{g[confidence interval]} آن، و {g[composite reliability]} (rho_c) و "
        "{g[average variance extracted (AVE)]} از بارهای تک‌عاملی (بی‌وزن). آلفای ۰٫۷ یا بیشتر "
        "مرز معمول است؛ AVE برابر ۰٫۵ یا بیشتر یعنی گویه‌ها بیش از خطا با مقیاسشان واریانس "
        "مشترک دارند.",
        "{g[Cronbach's alpha]} каждой шкалы (с выборочными весами, если они заданы) с "
        "доверительным интервалом, а также {g[composite reliability]} (rho_c) и "
        "{g[average variance extracted (AVE)]} по однофакторным нагрузкам (без весов). "
        "Обычная граница для альфы — 0,7; AVE от 0,5 значит, что пункты делят со шкалой "
        "больше дисперсии, чем с ошибкой.",
    ),
    "no_scales": (
        "No multi-item scale was found. Name them with "
        '<code>--scales "service=service_1,service_2;price=price_1,price_2"</code>.',
        "هیچ مقیاس چندگویه‌ای پیدا نشد. آن‌ها را با "
        '<code>--scales "service=service_1,service_2;price=price_1,price_2"</code> نام ببرید.',
        "Многопунктовых шкал не найдено. Укажите их: "
        '<code>--scales "service=service_1,service_2;price=price_1,price_2"</code>.',
    ),
    "reversed": (
        "Reverse-keyed items, reversed on their scale before scoring: <b>{items}</b>.",
        "گویه‌های معکوس، پیش از نمره‌گذاری روی مقیاسشان معکوس شدند ({g[reverse coding]}): "
        "<b>{items}</b>.",
        "Обратные пункты, перевёрнутые на своей шкале до подсчёта ({g[reverse coding]}): "
        "<b>{items}</b>.",
    ),
    "alpha_table": (
        "<b>Cronbach's alpha</b>",
        "<b>{g[Cronbach's alpha]}</b>",
        "<b>{g[Cronbach's alpha]}</b>",
    ),  # fmt: skip
    "reliability_table": (
        "<b>Composite reliability and AVE</b>",
        "<b>{g[composite reliability]} و AVE</b>",
        "<b>{g[composite reliability]} и AVE</b>",
    ),
    "no_reliability": (
        "<i>Composite reliability not computed:</i> {error}",
        "<i>{g[composite reliability]} محاسبه نشد:</i> {error}",
        "<i>{g[composite reliability]} не рассчитана:</i> {error}",
    ),
    "h_model": ("5. The driver model", "۵. مدل محرک‌ها", "5. Модель драйверов"),
    "model": (
        "A linear regression of the outcome on the drivers (weighted least squares with "
        "survey weights). Standard errors are robust to unequal variances (HC3) or, with a "
        "cluster column, cluster-robust. Each estimate is the change in the outcome for one "
        "point more on that driver, the other drivers held fixed. Variance inflation "
        "factors (VIF) above about 5 to 10 mean a driver is hard to separate from the "
        "others.",
        "رگرسیون خطی پیامد بر محرک‌ها (با {g[survey weights]}، کمترین مربعات وزنی). "
        "{g[robust standard errors (HC3)]} یا، با ستون خوشه، {g[clustered standard errors]}. "
        "هر برآورد تغییر پیامد به ازای یک نمرهٔ بیشتر در آن محرک است، با ثابت ماندن محرک‌های "
        "دیگر. {g[variance inflation factor (VIF)]} بالاتر از حدود ۵ تا ۱۰ یعنی جداکردن آن "
        "محرک از دیگران دشوار است.",
        "Линейная регрессия результата на драйверы (взвешенный МНК при выборочных весах). "
        "{g[robust standard errors (HC3)]} или, при столбце кластеров, "
        "{g[clustered standard errors]}. Каждая оценка — изменение результата при росте "
        "драйвера на один балл при прочих равных. {g[variance inflation factor (VIF)]} выше "
        "5–10 значит, что драйвер трудно отделить от других.",
    ),
    "model_fit": (
        "<code>{formula}</code> on {n:,} respondents ({dropped:,} incomplete rows dropped); "
        "standard errors: {robust}{clustered}; {r2_name} = {r2:.3f}.",
        "<code>{formula}</code> روی {n:,} پاسخ‌دهنده ({dropped:,} ردیف ناقص کنار گذاشته شد)؛ "
        "خطای استاندارد: {robust}{clustered}؛ {r2_name} = {r2:.3f}.",
        "<code>{formula}</code> на {n:,} респондентах (отброшено неполных строк: "
        "{dropped:,}); стандартные ошибки: {robust}{clustered}; {r2_name} = {r2:.3f}.",
    ),
    "clustered_by": (
        " by {cluster} ({k:,} clusters)",
        " بر پایهٔ {cluster} ({k:,} خوشه)",
        " по {cluster} ({k:,} кластеров)",
    ),  # fmt: skip
    "logit_note": (
        "The outcome <b>{outcome}</b> is 0/1, so the driver model is a logistic regression "
        "(logit): its estimates are log-odds. The average marginal effects below read as the "
        "change in the probability of {outcome} = 1 for one point more on a driver (or for "
        "a level against the reference), averaged over the respondents. The sections after "
        "this one treat the 0/1 outcome as a number (a linear probability model).",
        "پیامد <b>{outcome}</b> صفر و یک است، پس مدل محرک‌ها رگرسیون لجستیک ({g[logit]}) است: "
        "برآوردهایش لگاریتم بخت‌اند. {g[average marginal effect (AME)]} در پایین تغییر احتمال "
        "{outcome} = ۱ به ازای یک نمرهٔ بیشتر در یک محرک است، میانگین‌گرفته روی پاسخ‌دهندگان. "
        "بخش‌های بعدی پیامد ۰/۱ را عدد می‌گیرند (مدل احتمال خطی).",
        "Результат <b>{outcome}</b> принимает значения 0/1, поэтому модель драйверов — "
        "логистическая регрессия ({g[logit]}): её оценки — логарифмы шансов. "
        "{g[average marginal effect (AME)]} ниже — изменение вероятности {outcome} = 1 при "
        "росте драйвера на балл, усреднённое по респондентам. Следующие разделы считают "
        "результат 0/1 числом (линейная вероятностная модель).",
    ),
    "categorical": (
        "{driver} is categorical ({k} levels: {levels}): each other level is compared with "
        "the reference level <b>{reference}</b>, its most frequent, the other drivers held "
        "fixed.",
        "{driver} مقوله‌ای است ({k} سطح: {levels}): هر سطح دیگر با سطح مرجع "
        "<b>{reference}</b>، پرتکرارترینش، مقایسه می‌شود، با ثابت ماندن محرک‌های دیگر.",
        "{driver} — категориальная переменная ({k} уровней: {levels}): каждый уровень "
        "сравнивается с опорным <b>{reference}</b>, самым частым, при прочих равных.",
    ),
    "note": ("<b>Note:</b> {message}", "<b>یادداشت:</b> {message}", "<b>Замечание:</b> {message}"),
    "ame_table": (
        "<b>Average marginal effects</b> (change in the probability, {ci:.0%} intervals)",
        "<b>{g[average marginal effect (AME)]}</b> (تغییر احتمال، بازه‌های {ci:.0%})",
        "<b>{g[average marginal effect (AME)]}</b> (изменение вероятности, интервалы {ci:.0%})",
    ),
    "fit_table": ("<b>Fit statistics</b>", "<b>آماره‌های برازش</b>", "<b>Показатели подгонки</b>"),
    "vif_table": (
        "<b>Variance inflation factors</b>",
        "<b>{g[variance inflation factor (VIF)]}</b>",
        "<b>{g[variance inflation factor (VIF)]}</b>",
    ),
    "h_ranking": (
        "6. Key-driver ranking",
        "۶. رتبه‌بندی محرک‌های کلیدی",
        "6. Ранжирование ключевых драйверов",
    ),  # fmt: skip
    "ranking": (
        "How much of the explained variance (R²) each driver accounts for: general dominance "
        "(the average gain in R² from adding the driver to every subset of the others; "
        "Budescu 1993) and relative weights (Johnson 2000). The shares add up to 100%. The "
        "intervals come from a bootstrap of the respondents.",
        "سهم هر محرک از واریانس توضیح‌داده‌شده ({g[R² (coefficient of determination)]}): "
        "{g[dominance analysis]} (میانگین افزایش R² با افزودن محرک به هر زیرمجموعه از "
        "دیگران؛ Budescu 1993) و {g[relative weights]} (Johnson 2000). سهم‌ها روی هم ۱۰۰٪ "
        "می‌شوند. بازه‌ها از {g[bootstrap]} پاسخ‌دهندگان می‌آیند.",
        "Какую долю объяснённой дисперсии ({g[R² (coefficient of determination)]}) даёт "
        "каждый драйвер: {g[dominance analysis]} (средний прирост R² при добавлении драйвера "
        "к каждому подмножеству остальных; Budescu 1993) и {g[relative weights]} (Johnson "
        "2000). Доли в сумме дают 100%. Интервалы — {g[bootstrap]} респондентов.",
    ),
    "left_out": (
        "Left out of the sections below, which need numeric drivers: the categorical {left} "
        "(see the driver model above).",
        "از بخش‌های پایین که محرک عددی می‌خواهند کنار گذاشته شد: {left} مقوله‌ای (مدل محرک‌ها "
        "را در بالا ببینید).",
        "В разделы ниже, где нужны числовые драйверы, не вошли категориальные {left} (см. "
        "модель драйверов выше).",
    ),
    "ranking_one": (
        "One driver: it accounts for all of R², so there is nothing to rank.",
        "یک محرک: همهٔ R² از آن است، پس چیزی برای رتبه‌بندی نیست.",
        "Один драйвер: ему принадлежит весь R², ранжировать нечего.",
    ),
    "ranking_fit": (
        "R² = {r2:.3f} on {n:,} respondents; {n_boot:,} bootstrap resamples (seed {seed}).",
        "R² = {r2:.3f} روی {n:,} پاسخ‌دهنده؛ {n_boot:,} بازنمونهٔ {g[bootstrap]} (بذر {seed}).",
        "R² = {r2:.3f} на {n:,} респондентах; {n_boot:,} бутстреп-выборок (зерно {seed}).",
    ),
    "dominance_table": (
        "<b>General dominance</b>",
        "<b>{g[dominance analysis]}</b>",
        "<b>{g[dominance analysis]}</b>",
    ),  # fmt: skip
    "weights_table": (
        "<b>Relative weights</b>",
        "<b>{g[relative weights]}</b>",
        "<b>{g[relative weights]}</b>",
    ),  # fmt: skip
    "h_ipa": (
        "7. Importance-performance map",
        "۷. نقشهٔ اهمیت–عملکرد",
        "7. Карта важности и исполнения",
    ),  # fmt: skip
    "ipa": (
        "Each driver's importance (its share of R² from the dominance analysis) against its "
        "performance (its mean). Lines at the means split the map into four quadrants: high "
        "importance and low performance is where to concentrate.",
        "اهمیت هر محرک (سهمش از R² در {g[dominance analysis]}) در برابر عملکردش (میانگینش). "
        "خط‌هایی در میانگین‌ها نقشه را به چهار ربع می‌کنند: اهمیت بالا و عملکرد پایین جای "
        "تمرکز است.",
        "Важность каждого драйвера (его доля R² по {g[dominance analysis]}) против его "
        "исполнения (среднего). Линии на средних делят карту на четыре квадранта: высокая "
        "важность при низком исполнении — то, на чём сосредоточиться.",
    ),
    "ipa_two": (
        "An importance-performance map needs at least two drivers.",
        "نقشهٔ اهمیت–عملکرد دست‌کم دو محرک می‌خواهد.",
        "Для карты важности и исполнения нужно не меньше двух драйверов.",
    ),
    "h_kano": (
        "8. Penalty-reward analysis (Kano)",
        "۸. تحلیل جریمه–پاداش (کانو)",
        "8. Анализ штрафов и вознаграждений (Кано)",
    ),  # fmt: skip
    "kano": (
        "One regression of the outcome on two dummies per driver: low performance (bottom "
        "third of its answer scale) and high performance (top third), against the middle. "
        "The penalty is the drop in the outcome for low performance, the reward the gain for "
        "high performance. A driver whose penalty outweighs its reward is a <i>basic</i> "
        "factor, the reverse an <i>excitement</i> factor, both alike a <i>performance</i> "
        "factor (impact-asymmetry cut 0.2).",
        "یک رگرسیون پیامد بر دو متغیر ساختگی برای هر محرک: عملکرد پایین (یک‌سوم پایین مقیاس) "
        "و عملکرد بالا (یک‌سوم بالا)، در برابر میانه ({g[penalty–reward contrast analysis "
        "(PRCA)]}). جریمه افت پیامد در عملکرد پایین است و پاداش افزایش آن در عملکرد بالا. "
        "محرکی که جریمه‌اش بر پاداشش بچربد عامل <i>پایه</i> است، وارونه‌اش عامل "
        "<i>هیجان</i>، و هر دو هم‌اندازه عامل <i>عملکردی</i> ({g[Kano model]}؛ مرز عدم تقارن "
        "۰٫۲).",
        "Одна регрессия результата на две фиктивные переменные для каждого драйвера: низкое "
        "исполнение (нижняя треть шкалы) и высокое (верхняя треть) против середины "
        "({g[penalty–reward contrast analysis (PRCA)]}). Штраф — падение результата при "
        "низком исполнении, вознаграждение — рост при высоком. Драйвер, у которого штраф "
        "больше вознаграждения, — <i>базовый</i> фактор, наоборот — <i>восхищающий</i>, "
        "поровну — фактор <i>исполнения</i> ({g[Kano model]}; порог асимметрии 0,2).",
    ),
    "kano_cuts": (
        "Low / high performance cut-offs: {cuts}. R² = {r2:.3f}, n = {n:,} ({dropped:,} "
        "incomplete rows dropped).",
        "مرزهای عملکرد پایین / بالا: {cuts}. R² = {r2:.3f}، n = {n:,} ({dropped:,} ردیف ناقص "
        "کنار گذاشته شد).",
        "Границы низкого / высокого исполнения: {cuts}. R² = {r2:.3f}, n = {n:,} (отброшено "
        "неполных строк: {dropped:,}).",
    ),
    "no_kano": (
        "<i>Penalty-reward analysis not possible here:</i> {error}",
        "<i>تحلیل جریمه–پاداش اینجا ممکن نیست:</i> {error}",
        "<i>Анализ штрафов и вознаграждений здесь невозможен:</i> {error}",
    ),
    "h_about": ("About this report", "دربارهٔ این گزارش", "Об этом отчёте"),
    "about": (
        "Made by <code>cxresearch report</code>. Every table above is also in "
        "<code>report.json</code> beside this page, and <code>report.ipynb</code> holds the "
        "code that made it (open it in Jupyter to rerun or extend an analysis). The survey "
        "file was only read.",
        "ساخته‌شده با <code>cxresearch report</code>. هر جدول بالا در <code>report.json</code> "
        "کنار این صفحه هم هست و <code>report.ipynb</code> کدی را دارد که آن را ساخت (برای "
        "اجرای دوباره یا گسترش تحلیل در Jupyter بازش کنید). فایل پیمایش فقط خوانده شد.",
        "Сделано командой <code>cxresearch report</code>. Все таблицы выше есть и в "
        "<code>report.json</code> рядом с этой страницей, а <code>report.ipynb</code> "
        "содержит код, который их получил (откройте его в Jupyter, чтобы повторить или "
        "расширить анализ). Файл опроса был только прочитан.",
    ),
}


@functools.lru_cache(maxsize=4)
def glossary(lang: str) -> dict[str, str]:
    """The course glossary's term in ``lang`` for each English term."""
    from ..datasets import load_dataset

    terms = load_dataset("glossary")
    column = {"en": "term_en", "fa": "term_fa", "ru": "term_ru"}[lang]
    return dict(zip(terms["term_en"], terms[column], strict=True))


def plain(key: str, lang: str, /, **values: Any) -> str:
    """The message ``key`` as plain text (for alt text and figures, which escape or
    draw it themselves)."""
    import html

    return html.unescape(_TAG.sub("", text(key, lang, **values)))


def check_lang(lang: Any) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else a ValueError naming them."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"lang must be one of {', '.join(map(repr, LANGUAGES))} (English, Persian, "
            f"Russian), got {lang!r}."
        )
    return lang


def text(key: str, lang: str, /, **values: Any) -> str:
    """The message ``key`` in ``lang`` as HTML, ``values`` escaped (see ``_fill``).

    Examples
    --------
    >>> text("ranking_one", "en")
    'One driver: it accounts for all of R², so there is nothing to rank.'
    >>> text("title", "en", name="<b>x.sav</b>")
    'CX driver report: <bdi>&lt;b&gt;x.sav&lt;/b&gt;</bdi>'
    >>> plain("title", "en", name="<b>x.sav</b>")
    'CX driver report: <b>x.sav</b>'
    """
    template = MESSAGES[key][("en", "fa", "ru").index(lang)]
    terms = glossary(lang) if "{g[" in template else {}
    template = _TERM.sub(lambda m: _escape(terms[m[1]]).replace("{", "{{").replace("}", "}}"),
                         template)  # fmt: skip
    return _Safe(_fill(template, lang, **values))
