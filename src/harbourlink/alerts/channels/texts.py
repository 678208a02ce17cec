"""Words of e-mails and text messages in the recipient's language (zh-HK default, en, zh-CN).

Kept here rather than in the pages' Babel catalogues because ``babel.cfg`` extracts only
``web/``; the three languages are complete for every registered type (a test holds it).
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("zh-HK", "en", "zh-CN")
DEFAULT_LANGUAGE = "zh-HK"

TYPE_NAMES: dict[str, dict[str, str]] = {
    "vessel_delay": {"en": "Vessel delayed", "zh-HK": "船舶延誤", "zh-CN": "船舶延误"},
    "terminal_change": {"en": "Discharge terminal changed", "zh-HK": "卸貨碼頭更改", "zh-CN": "卸货码头变更"},
    "reefer_deviation": {"en": "Reefer temperature out of range", "zh-HK": "冷藏櫃溫度偏離", "zh-CN": "冷藏箱温度偏离"},
    "reefer_power_off": {"en": "Reefer power off", "zh-HK": "冷藏櫃斷電", "zh-CN": "冷藏箱断电"},
    "not_picked_up": {"en": "Container not picked up", "zh-HK": "貨櫃未提取", "zh-CN": "集装箱未提取"},
    "customs_hold": {"en": "Customs hold or inspection", "zh-HK": "海關扣查或查驗", "zh-CN": "海关扣留或查验"},
    "bl_removed": {"en": "B/L removed from the manifest", "zh-HK": "提單已從艙單刪除", "zh-CN": "提单已从舱单删除"},
    "air_late_departure": {"en": "Flight departed late", "zh-HK": "航班延遲起飛", "zh-CN": "航班延误起飞"},
    "air_late_arrival": {"en": "Flight arrived late", "zh-HK": "航班延遲抵達", "zh-CN": "航班延误到达"},
    "air_offload": {"en": "Air cargo offloaded", "zh-HK": "空運貨物被拉貨", "zh-CN": "空运货物被拉下"},
    "air_discrepancy": {"en": "Air cargo discrepancy", "zh-HK": "空運貨物異常", "zh-CN": "空运货物异常"},
    "receipt_discrepancy": {"en": "Received short or damaged", "zh-HK": "收貨短少或損壞", "zh-CN": "收货短少或损坏"},
    "elock_tamper": {"en": "E-lock tampered with", "zh-HK": "電子鎖被破壞", "zh-CN": "电子锁被破坏"},
    "elock_deviation": {
        "en": "Truck left its approved route",
        "zh-HK": "貨車偏離原定路線",
        "zh-CN": "货车偏离原定路线",
    },
    "road_query_raised": {"en": "Customs query on a consignment", "zh-HK": "海關查詢貨物", "zh-CN": "海关查询货物"},
    "road_query_replied": {"en": "Reply to a customs query", "zh-HK": "海關查詢有回覆", "zh-CN": "海关查询有回复"},
    "road_crossed": {"en": "Truck crossed the boundary", "zh-HK": "貨車已過關", "zh-CN": "货车已过关"},
    "road_bind_reminder": {
        "en": "Bind the cargo before the control point",
        "zh-HK": "請於抵達管制站前捆綁貨物",
        "zh-CN": "请于抵达管制站前捆绑货物",
    },
    "elock_stop": {
        "en": "Sealed truck stopped unplanned",
        "zh-HK": "已施封貨車非計劃停車",
        "zh-CN": "已施封货车非计划停车",
    },
    "elock_signal_lost": {"en": "E-lock signal lost", "zh-HK": "電子鎖訊號中斷", "zh-CN": "电子锁信号中断"},
    "elock_low_battery": {"en": "E-lock battery low", "zh-HK": "電子鎖電量不足", "zh-CN": "电子锁电量不足"},
    "elock_late_arrival": {"en": "Sealed truck late", "zh-HK": "已施封貨車逾時未到", "zh-CN": "已施封货车逾时未到"},
}

CHANGES: dict[str, dict[str, str]] = {
    "opened": {"en": "New alert", "zh-HK": "新警報", "zh-CN": "新警报"},
    "changed": {"en": "Alert changed", "zh-HK": "警報有變", "zh-CN": "警报有变"},
    "resolved": {"en": "Alert resolved", "zh-HK": "警報已解除", "zh-CN": "警报已解除"},
    "escalated": {"en": "Alert not acknowledged", "zh-HK": "警報未獲確認", "zh-CN": "警报未获确认"},
}

WORDS: dict[str, dict[str, str]] = {
    "reference": {"en": "Reference", "zh-HK": "參考編號", "zh-CN": "参考编号"},
    "timeline": {"en": "Open the timeline", "zh-HK": "查看時間線", "zh-CN": "查看时间线"},
}


def language_of(wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def _pick(table: dict[str, str], language: str) -> str:
    return table.get(language) or table["en"]


def subject_line(data: dict[str, Any], language: str) -> str:
    """``[New alert] Vessel delayed: PONU0123456``."""
    name = _pick(TYPE_NAMES.get(data["alert_type"], {"en": data["alert_type"]}), language)
    change = _pick(CHANGES[data["change"]], language)
    return f"[{change}] {name}: {data['reference']['value']}"


def figure_lines(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures behind the alert as (name, value), names as the API spells them."""
    return [(key, str(value)) for key, value in sorted(data["figures"].items()) if value is not None]


def text_body(data: dict[str, Any], language: str) -> str:
    lines = [
        subject_line(data, language),
        "",
        f"{_pick(WORDS['reference'], language)}: {data['reference']['type']} {data['reference']['value']}",
    ]
    lines += [f"{name}: {value}" for name, value in figure_lines(data)]
    lines += ["", f"{_pick(WORDS['timeline'], language)}: {data['timeline_url']}"]
    return "\n".join(lines) + "\n"
