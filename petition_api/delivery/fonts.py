"""The fonts packets are drawn with: DejaVu (bundled) and, for CJK names, a system font."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).parent / "fonts"
# Chinese, Japanese and Korean names need a font DejaVu lacks: one of these,
# from Debian's fonts-wqy-microhei, fonts-wqy-zenhei or fonts-noto-cjk.
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)
