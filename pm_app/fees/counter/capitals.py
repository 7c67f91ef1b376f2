"""Amounts in Chinese capitals (大写金额), as receipts and cheques print them: 壹佰贰拾叁元肆角伍分.

The rules of the 《支付结算办法》 that matter here: digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a
group of four and 万亿 between groups; a run of zeros inside the figure is read as one 零 and
zeros at the end of a group are not read; ten is 壹拾 (a receipt never starts with a bare 拾); an
amount in whole yuan ends in 整; an amount with fen but no jiao reads 零 before the fen
(壹佰元零伍分), and one ending in jiao needs no 整 after it.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
INNER = ("仟", "佰", "拾", "")
GROUPS = ("亿", "万", "")
MAX_FEN = 10**14 - 1  # 9,999 亿 and change: more than any amount the app accepts (12 digits of yuan)


def capitals(fen: int) -> str:
    """The amount `fen` (whole fen, not negative) in Chinese capitals."""
    if fen < 0 or fen > MAX_FEN:
        raise ValueError(f"cannot write {fen} fen in capitals")
    yuan, rest = divmod(fen, 100)
    jiao, fen = divmod(rest, 10)
    words = _yuan(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words


def _yuan(yuan: int) -> str:
    groups = [(yuan // 10**8) % 10**4, (yuan // 10**4) % 10**4, yuan % 10**4]
    words, zero_before = "", False
    for value, unit in zip(groups, GROUPS):
        if value == 0:
            zero_before = bool(words)  # 壹亿零壹: a group of zeros between two others reads one 零
            continue
        if words and (zero_before or value < 1000):
            words += "零"
        words += _group(value) + unit
        zero_before = False
    return words


def _group(value: int) -> str:
    """1..9999 with 仟佰拾: 1004 → 壹仟零肆, 1010 → 壹仟零壹拾, 10 → 壹拾."""
    words, zero_pending = "", False
    for digit, unit in zip(f"{value:04d}", INNER):
        if digit == "0":
            zero_pending = bool(words)
            continue
        if zero_pending:
            words += "零"
            zero_pending = False
        words += DIGITS[int(digit)] + unit
    return words
