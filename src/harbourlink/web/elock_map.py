"""The customs console's maps: sealed trips' approved routes, trucks coloured by custody state, alert spots and
a replayed trail, as inline SVG drawn on the server with the tracking map's frame and coastline
(``track_map``): no tile server, no CDN. The replay script moves a marker with the same projection, read from
the SVG's ``data-*`` attributes like the tracking page's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harbourlink.web import track_map
from harbourlink.web.track_map import Frame, Point

MIN_SPAN = 0.05
"""At least about 5.5 km north to south, so a truck off its route by a few hundred metres shows apart."""


@dataclass(frozen=True)
class Spot:
    """Something drawn at a place: a truck (``tone`` by its state) or an alert; ``href`` opens it."""

    lon: float
    lat: float
    kind: str
    tone: str
    label: str
    href: str = ""


@dataclass(frozen=True)
class Drawn:
    x: float
    y: float
    spot: Spot


@dataclass(frozen=True)
class SealMap:
    frame: Frame
    land: str
    routes: list[str]
    trail: str
    spots: list[Drawn]
    width: int = track_map.WIDTH
    height: int = track_map.HEIGHT


def _line(frame: Frame, points: Sequence[Point]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (frame.project(*p) for p in points))


def draw(routes: Sequence[Sequence[Point]], spots: Sequence[Spot], trail: Sequence[Point] = ()) -> SealMap | None:
    """A map fitting every route, spot and trail point; None when there is nothing to place."""
    points = [*(p for route in routes for p in route), *((s.lon, s.lat) for s in spots), *trail]
    if not points:
        return None
    frame = track_map.fitted_frame(points, min_span=MIN_SPAN)
    drawn = []
    for spot in spots:
        x, y = frame.project(spot.lon, spot.lat)
        drawn.append(Drawn(round(x, 1), round(y, 1), spot))
    return SealMap(
        frame=frame,
        land=track_map.land_path(frame),
        routes=[_line(frame, route) for route in routes],
        trail=_line(frame, trail),
        spots=drawn,
    )
