"""Geometry for the drawn parts of the pages: the equirectangular world map (packaged outline, event places
as dots) and time lines (dates to x positions, with month/year ticks). Templates only draw what this lays out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

# The map shows latitudes 84°N to 60°S: nothing is reported from further south, and it saves height.
NORTH, SOUTH = 84.0, -60.0


@dataclass(frozen=True)
class MapFrame:
    width: float = 960.0

    @property
    def height(self) -> float:
        return round(self.width * (NORTH - SOUTH) / 360.0, 1)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Equirectangular: x proportional to longitude, y to latitude."""
        x = (lon + 180.0) / 360.0 * self.width
        y = (NORTH - max(SOUTH, min(NORTH, lat))) / (NORTH - SOUTH) * self.height
        return round(x, 1), round(y, 1)


@lru_cache(maxsize=1)
def _world() -> dict[str, Any]:
    text = resources.files("newsdesk.web").joinpath("static/world.geojson").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=8)
def world_paths(width: float = 960.0) -> tuple[str, str]:
    """SVG path data for land and for inland seas, projected for a map `width` wide."""
    frame = MapFrame(width)
    land: list[str] = []
    sea: list[str] = []
    for f in _world()["features"]:
        for ring in f["geometry"]["coordinates"]:
            pts = [frame.xy(lat, lon) for lon, lat in ring]
            d = "M" + "L".join(f"{x:g},{y:g}" for x, y in pts) + "Z"
            (sea if f["properties"].get("kind") == "sea" else land).append(d)
    return "".join(land), "".join(sea)


def map_layout(points: list[dict[str, Any]], width: float = 960.0, labels: int = 8) -> dict[str, Any]:
    """Dots for places (radius by the square root of the count), the largest few labelled."""
    frame = MapFrame(width)
    land, sea = world_paths(width)
    top = max((p["count"] for p in points), default=1)
    dots = []
    for i, p in enumerate(points):
        x, y = frame.xy(p["lat"], p["lon"])
        dots.append({**p, "x": x, "y": y, "r": round(3 + 9 * (p["count"] / top) ** 0.5, 1), "label": i < labels})
    graticule = [frame.xy(lat, -180)[1] for lat in (60, 30, 0, -30)]
    meridians = [frame.xy(0, lon)[0] for lon in range(-150, 180, 30)]
    return {"width": width, "height": frame.height, "land": land, "sea": sea, "dots": dots,
            "parallels": graticule, "meridians": meridians}


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return date.fromisoformat(value[:7] + "-01")
        except ValueError:
            return None


@dataclass
class Timeline:
    width: float
    height: float
    lanes: list[dict[str, Any]]
    items: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    undated: list[dict[str, Any]] = field(default_factory=list)


def timeline(items: list[dict[str, Any]], lanes: list[str], width: float = 900.0, lane_height: float = 90.0,
             ) -> Timeline:
    """Place items (each with `date`, `lane`, `label`, `href`) on a horizontal time axis, one row per lane;
    labels alternate above and below their dot so neighbours do not collide."""
    left, right = 60.0, width - 60.0
    dated = [(d, it) for it in items if (d := _day(it.get("date")))]
    tl = Timeline(width, 30 + lane_height * len(lanes), [
        {"name": name, "y": 30 + lane_height * i + lane_height / 2} for i, name in enumerate(lanes)])
    tl.undated = [it for it in items if not _day(it.get("date"))]
    if not dated:
        return tl
    lo, hi = min(d for d, _ in dated), max(d for d, _ in dated)
    if lo == hi:
        lo, hi = lo - timedelta(days=1), hi + timedelta(days=1)
    span = (hi - lo).days

    def x(d: date) -> float:
        return round(left + (right - left) * (d - lo).days / span, 1)

    lane_y = {lane["name"]: lane["y"] for lane in tl.lanes}
    seen: dict[str, int] = {}
    for d, it in sorted(dated, key=lambda p: (p[0], p[1].get("label") or "")):
        n = seen.get(it["lane"], 0)
        seen[it["lane"]] = n + 1
        y = lane_y.get(it["lane"], tl.lanes[0]["y"])
        xd = x(d)
        anchor = "start" if xd < width * 0.2 else "end" if xd > width * 0.8 else "middle"
        tl.items.append({**it, "x": xd, "y": y, "label_y": y + (-14 if n % 2 == 0 else 24), "day": d.isoformat(),
                         "anchor": anchor, "label_x": xd + {"start": -6, "end": 6, "middle": 0}[anchor]})
    step = "month" if span > 75 else "week" if span > 14 else "day"
    d = lo.replace(day=1) if step == "month" else lo
    while d <= hi:
        if d >= lo:
            tl.ticks.append({"x": x(d), "label": d.strftime("%b %Y") if step == "month" else d.strftime("%d %b")})
        if step == "month":
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            d += timedelta(days=7 if step == "week" else 1)
    if len(tl.ticks) > 12:
        keep = -(-len(tl.ticks) // 12)
        tl.ticks = tl.ticks[::keep]
    return tl


def highlight(text: str, spans: list[tuple[int, int, str]]) -> list[list[tuple[str, str | None]]]:
    """Split `text` into paragraphs of (piece, css class or None) so a template can mark evidence sentences
    and quotes while escaping every piece; overlapping spans: the earlier one wins."""
    marks = sorted((s, e, c) for s, e, c in spans if 0 <= s < e <= len(text))
    paragraphs: list[list[tuple[str, str | None]]] = []
    pos = 0
    for para in text.split("\n\n"):
        start, end = pos, pos + len(para)
        pieces: list[tuple[str, str | None]] = []
        cur = start
        for s, e, c in marks:
            s, e = max(s, cur), min(e, end)
            if s >= e:
                continue
            if s > cur:
                pieces.append((text[cur:s], None))
            pieces.append((text[s:e], c))
            cur = e
        if cur < end:
            pieces.append((text[cur:end], None))
        if pieces:
            paragraphs.append(pieces)
        pos = end + 2
    return paragraphs
