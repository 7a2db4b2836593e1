"""The quality report as one self-contained HTML page, for a marketing manager.

No external asset (fonts, scripts, stylesheets or images): the charts are inline
SVG and the style is inline CSS, so the file opens offline and can be mailed.
French by default (the report's ``lang``).
"""

from __future__ import annotations

from html import escape
from typing import Any

from carnet.quality.scores import CHANNELS
from carnet.quality.text import CHANNEL_LABELS, format_count, format_share, lang_index

_T: dict[str, tuple[str, str]] = {
    "title": ("Qualité du fichier clients", "Customer file quality"),
    "generated": ("Rapport du {}", "Report of {}"),
    "profile": ("Profil {}", "Profile {}"),
    "contacts": ("{} contacts actifs", "{} active contacts"),
    "score": ("Score moyen", "Average score"),
    "completeness": ("Complétude", "Completeness"),
    "validity": ("Validité", "Validity"),
    "freshness": ("Fraîcheur", "Freshness"),
    "reachable": ("Joignables", "Reachable"),
    "obsolete": ("Inactifs {}+ ans", "Inactive {}+ years"),
    "duplicates": ("Doublons probables", "Likely duplicates"),
    "distribution": ("Répartition des scores", "Score distribution"),
    "distribution_note": (
        "Nombre de contacts par tranche de score (0 à 100).",
        "Number of contacts per score band (0 to 100).",
    ),
    "fields": ("Remplissage et validité par champ", "Fill and validity per field"),
    "fields_note": (
        "Barre pleine : part des contacts qui ont la donnée ; "
        "barre claire : part des valeurs présentes qui sont valides.",
        "Solid bar: share of contacts holding the value; "
        "light bar: share of present values that are valid.",
    ),
    "filled": ("rempli", "filled"),
    "valid": ("valide", "valid"),
    "reach": ("Audience joignable par canal", "Reachable audience per channel"),
    "reach_note": (
        "Coordonnée utilisable, puis coordonnée utilisable avec le consentement "
        "nécessaire et hors liste d'opposition.",
        "Usable contact point, then usable point with the consent needed and not "
        "on the suppression list.",
    ),
    "usable": ("coordonnée utilisable", "usable point"),
    "with_consent": ("avec consentement", "with consent"),
    "problems": (
        "Problèmes à traiter, du plus fréquent au moins fréquent",
        "Problems to fix, most frequent first",
    ),
    "problem": ("Problème", "Problem"),
    "count": ("Nombre", "Count"),
    "action": ("Action proposée", "What carnet offers"),
    "no_problem": ("Aucun problème détecté.", "No problem found."),
    "trend": ("Évolution du score moyen", "Average score over time"),
    "trend_empty": (
        "L'évolution apparaîtra après plusieurs rapports (`carnet quality` garde un instantané "
        "à chaque exécution).",
        "The trend appears after several reports (`carnet quality` keeps a snapshot each run).",
    ),
    "how": ("Comment le score est calculé", "How the score is computed"),
    "how_text": (
        "Le score sur 100 combine la complétude (les champs attendus pour votre profil, "
        "pondérés par importance), la validité des valeurs présentes, leur fraîcheur "
        "(une valeur perd la moitié de sa fiabilité après une durée propre à chaque champ) "
        "et la possibilité de joindre le contact : "
        "score = 100 × (complétude × (0,4 + 0,3 × validité + 0,2 × fraîcheur) + 0,1 × joignable).",
        "The score out of 100 combines completeness (the fields your profile expects, "
        "weighted by importance), the validity of the values present, their freshness "
        "(a value loses half its trust after a period set for each field) and whether the "
        "contact can be reached: "
        "score = 100 × (completeness × (0.4 + 0.3 × validity + 0.2 × freshness) "
        "+ 0.1 × reachable).",
    ),
}

_CSS = """
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,
Arial,sans-serif;color:#1f2933;background:#f5f7fa}main{max-width:1100px;margin:0 auto;
padding:28px}h1{margin:0 0 4px;font-size:28px}h2{font-size:19px;margin:0 0 6px}
.sub{color:#616e7c;margin:0 0 22px}.cards{display:grid;grid-template-columns:repeat(4,1fr);
gap:14px;margin-bottom:22px}.card{background:#fff;border-radius:10px;padding:14px 16px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}.card .v{font-size:26px;font-weight:700}
.card .l{color:#616e7c;font-size:13px}.panel{background:#fff;border-radius:10px;
padding:18px;margin-bottom:18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.note{color:#616e7c;font-size:13px;margin:0 0 10px}.grid2{display:grid;
grid-template-columns:1fr 1fr;gap:18px}table{border-collapse:collapse;width:100%;
font-size:14px}th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #e4e7eb;
vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;
white-space:nowrap}code{background:#f0f4f8;padding:1px 4px;border-radius:4px;font-size:12px}
svg text{font-family:inherit}
"""


def _color(score: float) -> str:
    if score >= 70:
        return "#2f9e44"
    if score >= 50:
        return "#f59f00"
    return "#e03131"


def _gauge(value: float | None, label: str) -> str:
    """A ring gauge for the average score (0–100)."""
    v = max(0.0, min(100.0, value or 0.0))
    circumference = 2 * 3.14159 * 52
    dash = circumference * v / 100
    return (
        f'<svg width="150" height="150" viewBox="0 0 150 150" role="img" '
        f'style="flex:none;width:150px;height:150px" '
        f'aria-label="{escape(label)} {v:.0f}/100">'
        f'<circle cx="75" cy="75" r="52" fill="none" stroke="#e4e7eb" stroke-width="16"/>'
        f'<circle cx="75" cy="75" r="52" fill="none" stroke="{_color(v)}" stroke-width="16" '
        f'stroke-dasharray="{dash:.1f} {circumference:.1f}" transform="rotate(-90 75 75)"/>'
        f'<text x="75" y="83" text-anchor="middle" font-size="30" font-weight="700">{v:.0f}</text>'
        f'<text x="75" y="104" text-anchor="middle" font-size="12" fill="#616e7c">/ 100</text>'
        "</svg>"
    )


def _histogram(distribution: list[dict[str, Any]], lang: str) -> str:
    width, height, left, bottom = 500, 220, 40, 30
    top = max((b["count"] for b in distribution), default=0) or 1
    bar = (width - left - 10) / max(len(distribution), 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for i, b in enumerate(distribution):
        h = (height - bottom - 20) * b["count"] / top
        x = left + i * bar + 3
        y = height - bottom - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 6:.1f}" height="{h:.1f}" '
            f'fill="{_color(b["from"] + 5)}" rx="3"><title>{b["from"]}–{b["to"]}: '
            f"{format_count(b['count'], lang)}</title></rect>"
        )
        if b["count"]:
            parts.append(
                f'<text x="{x + (bar - 6) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-size="11">{format_count(b["count"], lang)}</text>'
            )
        parts.append(
            f'<text x="{x + (bar - 6) / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" font-size="11" fill="#616e7c">{b["from"]}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#9aa5b1"/></svg>'
    )
    return "".join(parts)


def _field_bars(fields: list[dict[str, Any]], lang: str) -> str:
    i = lang_index(lang)
    row, label_w, width = 26, 330, 1000
    height = row * len(fields) + 24
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for k, f in enumerate(fields):
        y = 8 + k * row
        fill = f["fill_rate"] or 0.0
        valid = f["validity_rate"] if f["validity_rate"] is not None else 0.0
        span = width - label_w - 70
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 14}" text-anchor="end" font-size="14">'
            f"{escape(f['label'])}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{span}" height="14" fill="#f0f4f8" rx="3"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{span * fill:.1f}" height="14" '
            f'fill="#3b82f6" rx="3"><title>{escape(f["label"])}: {_T["filled"][i]} '
            f"{format_share(fill, lang)}</title></rect>"
            f'<rect x="{label_w}" y="{y + 12}" width="{span * fill * valid:.1f}" height="4" '
            f'fill="#bfdbfe"><title>{_T["valid"][i]} {format_share(valid, lang)}</title></rect>'
            f'<text x="{label_w + span + 8}" y="{y + 14}" font-size="14">'
            f"{format_share(fill, lang)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _reach_bars(reach: dict[str, dict[str, int]], active: int, lang: str) -> str:
    i = lang_index(lang)
    width, group = 520, 64
    height = group * len(CHANNELS) + 30
    top = max(active, 1)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">']
    for k, ch in enumerate(CHANNELS):
        y = 10 + k * group
        usable, reachable = reach[ch]["usable"], reach[ch]["reachable"]
        span = width - 90 - 190
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="13" font-weight="600">'
            f"{CHANNEL_LABELS[ch][i]}</text>"
            f'<rect x="90" y="{y}" width="{span * usable / top:.1f}" height="18" fill="#94a3b8" '
            f'rx="3"/><text x="{96 + span * usable / top:.1f}" y="{y + 14}" font-size="12">'
            f"{format_count(usable, lang)} {_T['usable'][i]}</text>"
            f'<rect x="90" y="{y + 24}" width="{span * reachable / top:.1f}" height="18" '
            f'fill="#2f9e44" rx="3"/><text x="{96 + span * reachable / top:.1f}" '
            f'y="{y + 38}" font-size="12">{format_count(reachable, lang)} '
            f"{_T['with_consent'][i]}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _trend(trend: list[dict[str, Any]], lang: str) -> str:
    points = [
        (str(t["taken_at"])[:10], float(t["score"])) for t in trend if t.get("score") is not None
    ]
    if len(points) < 2:
        return f'<p class="note">{escape(_T["trend_empty"][lang_index(lang)])}</p>'
    width, height, left, bottom = 1000, 200, 50, 30
    step = (width - left - 50) / (len(points) - 1)
    coords = [
        (left + k * step, 10 + (height - bottom - 10) * (1 - v / 100))
        for k, (_, v) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 20}" y2="{height - bottom}" '
        'stroke="#9aa5b1"/>',
        f'<polyline points="{path}" fill="none" stroke="#3b82f6" stroke-width="3"/>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#3b82f6"/>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">'
            f"{value:.0f}</text>"
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10" '
            f'fill="#616e7c">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: dict[str, Any]) -> str:
    """The report dictionary (from ``quality_report``) as a standalone HTML page."""
    lang = report.get("lang", "fr")
    i = lang_index(lang)
    t = {k: v[i] for k, v in _T.items()}
    avg = report["averages"]
    active = report["contacts"]["active"]
    reach_any = report.get("reachable_any", 0)
    cards = [
        (format_share(avg["completeness"], lang), t["completeness"]),
        (format_share(avg["validity"], lang), t["validity"]),
        (format_share(avg["freshness"], lang), t["freshness"]),
        (format_share(reach_any / active if active else None, lang), t["reachable"]),
        (
            format_count(report["obsolete"]["count"], lang),
            t["obsolete"].format(report["obsolete"]["years"]),
        ),
        (format_count(report["duplicates"]["estimated_contacts"], lang), t["duplicates"]),
    ]
    card_html = "".join(
        f'<div class="card"><div class="v">{escape(v)}</div><div class="l">{escape(label)}'
        "</div></div>"
        for v, label in cards
    )
    if report["problems"]:
        rows = "".join(
            f'<tr><td>{escape(p["title"])}</td><td class="n">'
            f"{format_count(p['count'], lang)}</td><td>{_code(p['action'])}</td></tr>"
            for p in report["problems"]
        )
        problems = (
            f"<table><thead><tr><th>{t['problem']}</th><th>{t['count']}</th>"
            f"<th>{t['action']}</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        problems = f'<p class="note">{t["no_problem"]}</p>'
    when = str(report["generated_at"])[:16].replace("T", " ")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t["title"])}</title><style>{_CSS}</style></head>
<body><main>
<h1>{escape(t["title"])}</h1>
<p class="sub">{escape(t["generated"].format(when))} · {
        escape(t["profile"].format(str(report.get("profile", "")).upper()))
    } · {escape(t["contacts"].format(format_count(active, lang)))}</p>
<div class="grid2" style="margin-bottom:18px">
<div class="panel" style="display:flex;align-items:center;gap:18px;margin:0">
{_gauge(avg["score"], t["score"])}<div><h2>{escape(t["score"])}</h2>
<p class="note">{escape(t["how_text"].split(":")[0])}.</p></div></div>
<div class="cards" style="grid-template-columns:repeat(3,1fr);margin:0">{card_html}</div>
</div>
<section class="panel" id="problems"><h2>{escape(t["problems"])}</h2>{problems}</section>
<div class="grid2">
<section class="panel" id="distribution"><h2>{escape(t["distribution"])}</h2>
<p class="note">{escape(t["distribution_note"])}</p>
{_histogram(report["distribution"], lang)}</section>
<section class="panel" id="reach"><h2>{escape(t["reach"])}</h2>
<p class="note">{escape(t["reach_note"])}</p>
{_reach_bars(report["reach"], active, lang)}</section>
</div>
<section class="panel" id="fields"><h2>{escape(t["fields"])}</h2>
<p class="note">{escape(t["fields_note"])}</p>{_field_bars(report["fields"], lang)}</section>
<section class="panel" id="trend"><h2>{escape(t["trend"])}</h2>
{_trend(report.get("trend", []), lang)}</section>
<section class="panel" id="how"><h2>{escape(t["how"])}</h2>
<p class="note">{escape(t["how_text"])}</p></section>
</main></body></html>
"""


def _code(text: str) -> str:
    """Escape ``text`` and show `backquoted` commands as code."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if k % 2 else p for k, p in enumerate(parts))


__all__ = ["render_html"]
