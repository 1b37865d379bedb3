#!/usr/bin/python3
"""Render `tmux capture-pane -p -e` output (text with SGR colours) to a PNG.

Usage: tmux capture-pane -p -e > shot.ans; python3 ansi2png.py shot.ans out.png
Needs Pillow (Debian: python3-pil) and DejaVu Sans Mono (fonts-dejavu-core).
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE = 16
DEFAULT_FG = (220, 220, 220)
DEFAULT_BG = (16, 16, 20)
BASIC = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]


def colour256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


def parse(text):
    """Yields rows of (char, fg, bg, bold)."""
    fg, bg, bold = None, None, False
    rows = []
    for line in text.split("\n"):
        row = []
        for token in re.split(r"(\x1b\[[0-9;]*m)", line):
            if token.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in token[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        fg, bg, bold = None, None, False
                    elif c == 1:
                        bold = True
                    elif c == 22:
                        bold = False
                    elif c in (38, 48) and i + 1 < len(codes):
                        if codes[i + 1] == 2:
                            value = tuple(codes[i + 2:i + 5])
                            i += 4
                        else:
                            value = colour256(codes[i + 2])
                            i += 2
                        if c == 38:
                            fg = value
                        else:
                            bg = value
                    elif c == 39:
                        fg = None
                    elif c == 49:
                        bg = None
                    elif 30 <= c <= 37:
                        fg = BASIC[c - 30]
                    elif 90 <= c <= 97:
                        fg = BASIC[c - 90 + 8]
                    elif 40 <= c <= 47:
                        bg = BASIC[c - 40]
                    elif 100 <= c <= 107:
                        bg = BASIC[c - 100 + 8]
                    i += 1
            else:
                row.extend((ch, fg, bg, bold) for ch in token)
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    rows = parse(text)
    font = ImageFont.truetype(FONT, SIZE)
    bold_font = ImageFont.truetype(BOLD, SIZE)
    cell_w = round(font.getlength("M"))
    cell_h = SIZE + 4
    columns = max(len(r) for r in rows)
    pad = 12
    image = Image.new("RGB", (columns * cell_w + 2 * pad, len(rows) * cell_h + 2 * pad), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        for x, (ch, fg, bg, bold) in enumerate(row):
            left, top = pad + x * cell_w, pad + y * cell_h
            if bg is not None:
                draw.rectangle([left, top, left + cell_w - 1, top + cell_h - 1], fill=bg)
            if ch == " ":
                continue
            colour = fg or DEFAULT_FG
            code = ord(ch)
            if 0x2800 <= code <= 0x28FF:
                # Braille: draw the dots ourselves, crisp and evenly spaced.
                bits = code - 0x2800
                layout = [(0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08),
                          (1, 1, 0x10), (1, 2, 0x20), (0, 3, 0x40), (1, 3, 0x80)]
                r = max(1, cell_w // 6)
                for dx, dy, bit in layout:
                    if bits & bit:
                        cx = left + cell_w * (1 + 2 * dx) // 4
                        cy = top + cell_h * (1 + 2 * dy) // 8
                        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
            elif ch in "█▀▄":
                box = {"█": (0, cell_h), "▀": (0, cell_h // 2), "▄": (cell_h // 2, cell_h)}[ch]
                draw.rectangle([left, top + box[0], left + cell_w - 1, top + box[1] - 1], fill=colour)
            else:
                draw.text((left, top + 1), ch, font=bold_font if bold else font, fill=colour)
    image.save(sys.argv[2])


if __name__ == "__main__":
    main()
