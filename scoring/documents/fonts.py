"""The Chinese fonts printed documents name: which families fill each role (宋体, 黑体, 仿宋, 楷体), CSS font stacks
that put the families installed here first, and a check that a Chinese font is installed at all.

A PDF must name an installed CJK family explicitly: WeasyPrint's generic fallback (`serif`) picks a Latin face and
the Chinese glyphs come out as empty boxes or go missing. A Word file, by contrast, names the fonts of the reader's
machine (Windows in the office), so `WORD_FONTS` holds Windows names."""
from __future__ import annotations

import functools
import shutil
import subprocess
from enum import StrEnum

from scoring.common.errors import ReviewError

# The faces of Debian's fonts-noto-cjk, present on every machine of the project (see README); every stack ends
# with one of them so that a document renders even where none of the office's usual faces is installed.
SERIF = "Noto Serif CJK SC"  # 宋体-like (Source Han Serif); its Bold stands in for 小标宋 in titles
SANS = "Noto Sans CJK SC"  # 黑体-like (Source Han Sans)
INSTALL_HINT = "请在服务器上安装中文字体，例如 Debian/Ubuntu：apt-get install fonts-noto-cjk（思源宋体/思源黑体）。"


class FontRole(StrEnum):
    """What a typeface does in an official document (GB/T 9704): body, headings, emphasis, titles."""

    SONG = "宋体"  # tables and forms
    HEI = "黑体"  # first-level headings
    FANGSONG = "仿宋"  # body text of letters and notices
    KAITI = "楷体"  # second-level headings, signatures


# The families that fill each role, best first; the installed ones come first in a stack (`font_stack`).
PREFERRED: dict[FontRole, tuple[str, ...]] = {
    FontRole.SONG: ("SimSun", "宋体", "Songti SC", "Source Han Serif SC", "Source Han Serif CN", SERIF,
                    "AR PL UMing CN"),
    FontRole.HEI: ("SimHei", "黑体", "Heiti SC", "Source Han Sans SC", "Source Han Sans CN", SANS,
                   "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"),
    FontRole.FANGSONG: ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋", SERIF),
    FontRole.KAITI: ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", "华文楷体", "AR PL UKai CN", SERIF),
}

# What a Word document names for East Asian text (w:eastAsia): the office's Windows faces; Word substitutes a
# face of its own where one is missing, so these need not be installed on the server.
WORD_FONTS: dict[FontRole, str] = {FontRole.SONG: "宋体", FontRole.HEI: "黑体", FontRole.FANGSONG: "仿宋",
                                   FontRole.KAITI: "楷体"}
WORD_LATIN = "Times New Roman"


class FontMissing(ReviewError):
    """No Chinese font is installed (or fontconfig is missing); the message says what to install. A user is told:
    it is the server's operator who must act, and the Chinese message says how, so a page shows it and the command
    line prints it rather than a traceback."""


def _fc_list() -> str:
    if shutil.which("fc-list") is None:
        raise FontMissing("服务器上没有 fontconfig（fc-list 命令），无法查找中文字体，生成的 PDF 会缺字。"
                          "请安装 fontconfig 和中文字体，例如 apt-get install fontconfig fonts-noto-cjk。")
    try:
        done = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30,
                              check=True)
    except (subprocess.SubprocessError, OSError) as exc:
        raise FontMissing(f"查询已安装的中文字体失败（fc-list：{exc}）。{INSTALL_HINT}") from None
    return done.stdout


@functools.cache
def installed_families() -> frozenset[str]:
    """The families fontconfig lists for Chinese; a line may give several names of one family ("文泉驿正黑,WenQuanYi
    Zen Hei"). Cached for the process: call `installed_families.cache_clear()` after installing a font."""
    names = set()
    for line in _fc_list().splitlines():
        names.update(name.strip().replace("\\-", "-") for name in line.split(",") if name.strip())
    return frozenset(names)


def require_chinese_fonts() -> frozenset[str]:
    """The installed Chinese families, or FontMissing saying in Chinese what to install."""
    families = installed_families()
    if not families:
        raise FontMissing(f"服务器上没有安装中文字体，生成的 PDF 会缺字（显示为方框）。{INSTALL_HINT}")
    return families


def font_families(role: FontRole) -> list[str]:
    """The families a PDF names for a role, installed ones only, best first; when none of the role's preferred faces
    is installed, the project's Noto faces and then any installed Chinese face stand in. FontMissing if there is none."""
    installed = require_chinese_fonts()
    chosen = [f for f in PREFERRED[role] if f in installed]
    for family in (SERIF, SANS, *sorted(installed)):
        if family in installed and family not in chosen:
            chosen.append(family)
            break
    return chosen


def font_stack(role: FontRole) -> str:
    """A CSS font-family value for a role, e.g. '"Noto Serif CJK SC"' — installed families only and no generic
    family, so that no glyph falls through to a face without Chinese."""
    return ", ".join(f'"{family}"' for family in font_families(role))
