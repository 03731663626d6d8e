"""Number formatting shared by templates and tables: money in 万元 with two decimals, lengths
as the source gives them (no trailing zeros), thousands grouped."""

from decimal import Decimal


def _group(text):
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + (f".{frac}" if frac else "")


def wan(value):
    """3200 → '3,200.00'; None → None."""
    if value is None or value == "":
        return None
    return _group(f"{Decimal(value):.2f}")


def quantity(value):
    """Decimal('920.000') → '920'; Decimal('36.500') → '36.5'; None → None."""
    if value is None or value == "":
        return None
    value = Decimal(value)
    text = format(
        value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), "f"
    )
    return _group(text)


def percent(value, places=1):
    if value is None or value == "":
        return None
    value = Decimal(value)
    if value == value.to_integral():
        return f"{value.quantize(Decimal(1))}%"
    return f"{value:.{places}f}%"


def key_labels(keys, labels):
    """The labels of stored keys (comma-joined, or a sequence) by ``labels``, in their order;
    a key ``labels`` does not know is shown as it is, blanks are left out."""
    if isinstance(keys, str):
        keys = keys.split(",")
    return [labels.get(key.strip(), key.strip()) for key in keys if key.strip()]
