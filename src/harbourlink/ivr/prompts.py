"""What the phone says, in each language a caller may choose: Cantonese, English and Putonghua.

These are voice scripts, not page text: the Cantonese is spoken Cantonese (``你嘅``, ``冇``), which
the pages' written zh-HK catalogue is not, and each line is synthesised once into a clip. Numbers
and times are never written into a line: they are spoken from the digit and unit clips, so a UBR
or a time needs no clip of its own.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """A caller's language, named as espeak-ng names its voice."""

    CANTONESE = "yue"
    ENGLISH = "en"
    PUTONGHUA = "cmn"


YUE, EN, CMN = Language.CANTONESE, Language.ENGLISH, Language.PUTONGHUA

_LINES: dict[str, tuple[str, str, str]] = {
    # name: (Cantonese, English, Putonghua)
    "enter_account": (
        "請輸入你嘅戶口號碼，然後按井號。選擇用另一種語言請按星號。",
        "Please enter your account number, then press hash. To choose another language, press star.",
        "请输入你的户口号码，然后按井号。选择另一种语言请按星号。",
    ),
    "offer_cantonese": ("廣東話，請按星號一。", "For Cantonese, press star 1.", "广东话，请按星号一。"),
    "offer_english": ("英文，請按星號二。", "For English, press star 2.", "英文，请按星号二。"),
    "offer_putonghua": ("普通話，請按星號三。", "For Putonghua, press star 3.", "普通话，按星三。"),
    "enter_password": (
        "請輸入你嘅密碼，然後按井號。",
        "Please enter your password, then press hash.",
        "请输入你的密码，然后按井号。",
    ),
    "login_failed": (
        "戶口號碼或者密碼唔正確。",
        "The account number or password is not correct.",
        "户口号码或密码不正确。",
    ),
    "locked": (
        "你嘅電話戶口已經鎖咗，請聯絡你嘅公司。",
        "Your phone account is locked. Please contact your company.",
        "你的电话户口已被锁定，请联络你的公司。",
    ),
    "main_menu": (
        "捆綁請按一，取消捆綁請按二，查詢捆綁請按三。重聽請按星號。",
        "To bind, press 1. To cancel a binding, press 2. To enquire, press 3. To hear this again, press star.",
        "捆绑请按一，取消捆绑请按二，查询捆绑请按三。重听请按星号。",
    ),
    "enter_ccrn": (
        "請輸入海關貨物編號，然後按井號。",
        "Please enter the customs cargo reference number, then press hash.",
        "请输入海关货物编号，然后按井号。",
    ),
    "more_ccrn": (
        "再輸入另一個海關貨物編號請按一，輸入完畢請按二。",
        "To add another customs cargo reference number, press 1. If that is all, press 2.",
        "再输入另一个海关货物编号请按一，输入完毕请按二。",
    ),
    "enter_code": (
        "請輸入保安編碼，然後按井號。",
        "Please enter your security code, then press hash.",
        "请输入保安编码，然后按井号。",
    ),
    "wrong_code": ("保安編碼唔正確。", "The security code is not correct.", "保安编码不正确。"),
    "choose_point": (
        "請選擇關口。沙頭角請按一，文錦渡請按二，落馬洲請按三，深圳灣請按四，"
        "港珠澳大橋香港口岸，出口往內地或者由內地進口請按五，出口往澳門或者由澳門進口請按六，香園圍請按七。",
        "Please choose the control point. Sha Tau Kok, press 1. Man Kam To, press 2. Lok Ma Chau, press 3. "
        "Shenzhen Bay, press 4. Hong Kong-Zhuhai-Macao Bridge, to or from the mainland, press 5; "
        "to or from Macao, press 6. Heung Yuen Wai, press 7.",
        "请选择关口。沙头角请按一，文锦渡请按二，落马洲请按三，深圳湾请按四，"
        "港珠澳大桥香港口岸，出口往内地或由内地进口请按五，出口往澳门或由澳门进口请按六，香园围请按七。",
    ),
    "you_entered": ("你輸入咗：", "You entered:", "你输入了："),
    "ccrn": ("海關貨物編號", "customs cargo reference number", "海关货物编号"),
    "ubr": ("單一捆綁編號", "unique binding reference", "单一捆绑编号"),
    "control_point": ("關口", "control point", "关口"),
    "confirm": (
        "確認請按一，取消請按二。",
        "To confirm, press 1. To cancel, press 2.",
        "确认请按一，取消请按二。",
    ),
    "nothing_changed": ("已經取消，冇任何改動。", "Cancelled. Nothing was changed.", "已取消，没有任何改动。"),
    "bind_done": ("捆綁成功。", "The binding is done.", "捆绑成功。"),
    "bind_refused": (
        "未能捆綁：呢個海關貨物編號唔可以捆綁，或者已經捆綁咗。",
        "The binding was refused: a customs cargo reference number is unknown or already bound.",
        "未能捆绑：这个海关货物编号不可以捆绑，或已经捆绑。",
    ),
    "earliest_crossing": ("最早過關時間係", "The earliest crossing time is", "最早过关时间是"),
    "cancel_menu": (
        "取消全部捆綁請按一，取消部份捆綁請按二。",
        "To cancel the whole binding, press 1. To cancel part of it, press 2.",
        "取消全部捆绑请按一，取消部份捆绑请按二。",
    ),
    "cancel_all_done": ("已經取消全部捆綁。", "The whole binding is cancelled.", "已取消全部捆绑。"),
    "cancel_part_done": (
        "已經取消呢個海關貨物編號嘅捆綁。",
        "This customs cargo reference number is no longer bound.",
        "已取消这个海关货物编号的捆绑。",
    ),
    "enquire_menu": (
        "查詢單一捆綁編號請按一，查詢海關貨物編號請按二，查詢最早過關時間請按三。",
        "To enquire by unique binding reference, press 1. By customs cargo reference number, press 2. "
        "For the earliest crossing time, press 3.",
        "查询单一捆绑编号请按一，查询海关货物编号请按二，查询最早过关时间请按三。",
    ),
    "enter_ubr": (
        "請輸入單一捆綁編號，然後按井號。",
        "Please enter the unique binding reference, then press hash.",
        "请输入单一捆绑编号，然后按井号。",
    ),
    "not_found": ("搵唔到有關嘅捆綁。", "No live binding was found.", "找不到有关的捆绑。"),
    "no_input": ("我哋收唔到你嘅輸入。", "We did not hear any keys.", "我们收不到你的输入。"),
    "invalid": ("輸入無效。", "That entry is not valid.", "输入无效。"),
    "unavailable": (
        "電話捆綁服務暫時未能提供，請稍後再試。",
        "Binding by phone is not available at the moment. Please try again later.",
        "电话捆绑服务暂时未能提供，请稍后再试。",
    ),
    "goodbye": ("多謝使用，再見。", "Thank you. Goodbye.", "谢谢使用，再见。"),
    "hour": ("點", "hour", "点"),
    "minute": ("分", "minute", "分"),
    "month": ("月", "month", "月"),
    "day": ("日", "day", "日"),
    **{
        f"digit_{d}": (zh, en, cmn)
        for d, (zh, en, cmn) in enumerate(
            zip(
                "零一二三四五六七八九",
                ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
                "零一二三四五六七八九",
                strict=True,
            )
        )
    },
}

PROMPTS: tuple[str, ...] = tuple(_LINES)
"""Every clip's name: each exists in each language."""


def line(prompt: str, language: Language) -> str:
    """What clip ``prompt`` says in ``language`` (KeyError for an unknown clip)."""
    return _LINES[prompt][(YUE, EN, CMN).index(language)]
