"""The vessel map: an inline SVG drawn on the server, with no tile server and no CDN.

A ship near Hong Kong is shown in a fixed Pearl River Delta frame, so people learn one picture
of their own port; elsewhere the frame fits the ship's recent track. Longitude and latitude are
projected equirectangularly around the frame's middle latitude (over a few hundred kilometres
the distortion is invisible). Land comes from Natural Earth (``static/map/README.md``): the
finest of its layers whose box holds the frame, clipped to the frame, so the page carries only
the coastline it shows. The page's script moves the marker with the same projection, which it
reads from the SVG's ``data-*`` attributes (``static/track.js``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

LAND = Path(__file__).parent / "static" / "map" / "land.json"
WIDTH, HEIGHT = 360, 240
HONG_KONG_WATERS = (113.3, 21.6, 114.9, 22.9)
"""West, south, east, north: a ship inside is shown in the fixed frame below."""
HONG_KONG_FRAME = (114.05, 22.3, 0.7)
"""Centre longitude and latitude, and the latitude span: Lantau to Tolo Harbour, Shekou to Lamma."""
MIN_SPAN, MAX_SPAN = 0.6, 140.0
MIN_ROUTE_SPAN = 0.04
"""A truck's map shows at least about 4.5 km north to south, so a move along a street shows."""
MARGIN = 0.25
"""Share of the track's extent added around it, so the marker never sits on the edge."""

Point = tuple[float, float]
"""Longitude, latitude."""
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Ring:
    points: tuple[Point, ...]
    box: Box


@dataclass(frozen=True)
class LandLayer:
    name: str
    box: Box
    rings: tuple[Ring, ...]


def _decode(encoded: list[int], scale: int) -> tuple[Point, ...]:
    x, y = encoded[0], encoded[1]
    points = [(x / scale, y / scale)]
    for index in range(2, len(encoded), 2):
        x += encoded[index]
        y += encoded[index + 1]
        points.append((x / scale, y / scale))
    return tuple(points)


@cache
def land_layers() -> tuple[LandLayer, ...]:
    """The coastline layers, finest first; read once, on the first map drawn."""
    document = json.loads(LAND.read_text())
    layers = []
    for layer in document["layers"]:
        rings = []
        for encoded in layer["rings"]:
            points = _decode(encoded, layer["scale"])
            lons, lats = [p[0] for p in points], [p[1] for p in points]
            rings.append(Ring(points, (min(lons), min(lats), max(lons), max(lats))))
        layers.append(LandLayer(layer["name"], tuple(layer["bbox"]), tuple(rings)))
    return tuple(layers)


@dataclass(frozen=True)
class Frame:
    """What part of the world the map shows, and how a degree becomes pixels."""

    west: float
    north: float
    kx: float
    ky: float
    shift: bool = False
    """The frame crosses the 180th meridian: western longitudes are counted past 180."""

    @property
    def box(self) -> Box:
        return (self.west, self.north - HEIGHT / self.ky, self.west + WIDTH / self.kx, self.north)

    def lon(self, longitude: float) -> float:
        return longitude + 360 if self.shift and longitude < 0 else longitude

    def project(self, longitude: float, latitude: float) -> Point:
        return (self.lon(longitude) - self.west) * self.kx, (self.north - latitude) * self.ky

    def contains(self, longitude: float, latitude: float) -> bool:
        x, y = self.project(longitude, latitude)
        return 0 <= x <= WIDTH and 0 <= y <= HEIGHT


def _centred(lon: float, lat: float, lat_span: float, *, shift: bool = False) -> Frame:
    ky = HEIGHT / lat_span
    kx = ky * max(math.cos(math.radians(lat)), 0.05)
    return Frame(west=lon - WIDTH / kx / 2, north=lat + lat_span / 2, kx=kx, ky=ky, shift=shift)


def frame_for(position: Point, track: Sequence[Point]) -> Frame:
    """The fixed Hong Kong frame for a ship in Hong Kong waters, else one that fits its track."""
    west, south, east, north = HONG_KONG_WATERS
    if west <= position[0] <= east and south <= position[1] <= north:
        lon, lat, span = HONG_KONG_FRAME
        return _centred(lon, lat, span)
    return fitted_frame([*track, position], min_span=MIN_SPAN)


def fitted_frame(points: Sequence[Point], *, min_span: float) -> Frame:
    """A frame holding every point with a margin, at least ``min_span`` degrees of latitude high."""
    lons = [p[0] for p in points]
    shift = max(lons) - min(lons) > 180  # a Pacific crossing: count west of 180 as east of it
    lons = [lon + 360 if shift and lon < 0 else lon for lon in lons]
    lats = [p[1] for p in points]
    mid_lat = max(-80.0, min(80.0, (max(lats) + min(lats)) / 2))
    aspect = WIDTH / HEIGHT * max(math.cos(math.radians(mid_lat)), 0.05)
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) / aspect) * (1 + 2 * MARGIN)
    return _centred((max(lons) + min(lons)) / 2, mid_lat, max(min_span, min(MAX_SPAN, span)), shift=shift)


def _clip(points: Sequence[Point], box: Box) -> list[Point]:
    """Sutherland–Hodgman against a rectangle: what of a polygon lies inside the box."""
    west, south, east, north = box

    def at_lon(a: Point, b: Point, lon: float) -> Point:
        return lon, a[1] + (b[1] - a[1]) * (lon - a[0]) / (b[0] - a[0])

    def at_lat(a: Point, b: Point, lat: float) -> Point:
        return a[0] + (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]), lat

    edges: list[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]] = [
        (lambda p: p[0] >= west, lambda a, b: at_lon(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: at_lon(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: at_lat(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: at_lat(a, b, north)),
    ]
    result = list(points)
    for inside, cross in edges:
        kept: list[Point] = []
        for index, current in enumerate(result):
            previous = result[index - 1]
            if inside(current):
                if not inside(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cross(previous, current))
        result = kept
        if not result:
            break
    return result


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _layer_for(box: Box) -> LandLayer:
    layers = land_layers()
    return next(
        (
            layer
            for layer in layers
            if layer.box[0] <= box[0] and layer.box[1] <= box[1] and box[2] <= layer.box[2] and box[3] <= layer.box[3]
        ),
        layers[-1],
    )


def _ring_path(frame: Frame, points: Sequence[Point]) -> str:
    """One ring as SVG path data, dropping points less than half a pixel from the last one kept."""
    commands: list[str] = []
    last: Point | None = None
    for lon, lat in points:
        x, y = frame.project(lon, lat)
        if last is not None and abs(x - last[0]) < 0.5 and abs(y - last[1]) < 0.5:
            continue
        commands.append(f"{x:.1f},{y:.1f}")
        last = (x, y)
    return "M" + "L".join(commands) + "Z" if len(commands) >= 3 else ""


@lru_cache(maxsize=32)
def land_path(frame: Frame) -> str:
    """The land inside the frame as one SVG path (the Hong Kong frame is drawn once per process)."""
    west, south, east, north = frame.box
    pad_x, pad_y = (east - west) * 0.05, (north - south) * 0.05
    box = (west - pad_x, south - pad_y, east + pad_x, north + pad_y)
    if frame.shift:  # land data stops at 180° E; across it the map shows only the sea side it has
        box = (box[0], box[1], min(box[2], 180.0), box[3])
    layer = _layer_for(box)
    paths = (_ring_path(frame, _clip(ring.points, box)) for ring in layer.rings if _overlaps(ring.box, box))
    return "".join(paths)


@dataclass(frozen=True)
class VesselMap:
    """What the map template draws: a ship, or a truck with where it is going (``target``)."""

    frame: Frame
    land: str
    track: str
    x: float
    y: float
    course: float | None
    width: int = WIDTH
    height: int = HEIGHT
    target: Point | None = None
    """The destination, projected (x, y)."""


def _line(frame: Frame, track: Sequence[Point]) -> str:
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in (frame.project(*point) for point in track))


def draw(position: Point, track: Sequence[Point], course: float | None) -> VesselMap:
    """The map of a ship at ``position`` (longitude, latitude) with its recent track, oldest first."""
    frame = frame_for(position, track)
    x, y = frame.project(*position)
    return VesselMap(
        frame=frame, land=land_path(frame), track=_line(frame, track), x=round(x, 1), y=round(y, 1), course=course
    )


def draw_route(position: Point, trail: Sequence[Point], heading: float | None, destination: Point | None) -> VesselMap:
    """The map of a truck at ``position`` with its trail (oldest first) and its destination, all in the frame:
    fitted to them, at street scale, so the truck is seen moving towards where it is going."""
    frame = fitted_frame([*trail, position, *([destination] if destination else [])], min_span=MIN_ROUTE_SPAN)
    x, y = frame.project(*position)
    target = frame.project(*destination) if destination else None
    return VesselMap(
        frame=frame,
        land=land_path(frame),
        track=_line(frame, trail),
        x=round(x, 1),
        y=round(y, 1),
        course=heading,
        target=(round(target[0], 1), round(target[1], 1)) if target else None,
    )
