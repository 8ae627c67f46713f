"""Server-side charts for the review report: execution rate and total score per form.

matplotlib draws with a CJK font found through its font manager (Noto Sans CJK from
fonts-noto-cjk); the SVG stores glyphs as paths, so the picture needs no font where it is shown.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import matplotlib

from .. import inert

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402 - the backend is chosen before pyplot loads
from matplotlib import pyplot as plt  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC",
                "SimHei", "Microsoft YaHei")
COLORS = {"error": "#c0392b", "warning": "#e6a23c", "ok": "#3c78b4"}


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The first installed font family able to draw Chinese, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    rate: Decimal | None
    score: Decimal | None
    status: str  # "error", "warning" or "ok": the bar's colour


def _plain(text: str) -> str:
    """A form's text as matplotlib draws it, as written: inert (its warnings about glyphs a font lacks
    print the characters), and a ``$`` never starting mathtext (a name holding ``$\\frac{`` raised)."""
    return inert.text(text).replace("$", r"\$")


def _short(label: str, limit: int = 14) -> str:
    label = _plain(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def scores_chart(bars: list[Bar], title: str) -> str:
    """An SVG document: 执行率 and 总分 per form, side by side, coloured by the worst finding."""
    return chart_bytes(bars, title, "svg").decode("utf-8")


def chart_bytes(bars: list[Bar], title: str, fmt: str = "svg") -> bytes:
    """The chart of :func:`scores_chart` as ``fmt`` (svg, or png at 200 dpi for documents and slides)."""
    family = cjk_family()
    rc = {"svg.fonttype": "path", "font.size": 9, "axes.unicode_minus": False}
    if family:
        rc["font.family"] = [family]
    with plt.rc_context(rc):
        height = 0.9 + 0.32 * max(len(bars), 1)
        fig, (ax_rate, ax_score) = plt.subplots(1, 2, figsize=(7.2, height), sharey=True)
        labels = [_short(b.label) for b in bars]
        y = list(range(len(bars)))
        colors = [COLORS[b.status] for b in bars]
        for ax, values, limit, name in ((ax_rate, [b.rate for b in bars], 100, "执行率（%）"),
                                        (ax_score, [b.score for b in bars], 100, "总分")):
            shown = [float(v) if v is not None else 0.0 for v in values]
            ax.barh(y, shown, color=colors, height=0.6)
            ax.axvline(limit, color="#888888", linewidth=0.8, linestyle="--")
            top = max([limit, *shown]) * 1.12
            ax.set_xlim(0, top)
            for yi, v in zip(y, values):
                ax.text(float(v or 0) + top * 0.01, yi, "—" if v is None else f"{v:.2f}".rstrip("0").rstrip("."),
                        va="center", fontsize=8)
            ax.set_title(name, fontsize=10)
            ax.spines[["top", "right"]].set_visible(False)
        ax_rate.set_yticks(y, labels)
        ax_rate.invert_yaxis()
        fig.suptitle(_plain(title), fontsize=11)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=200)
        plt.close(fig)
    return buf.getvalue()
