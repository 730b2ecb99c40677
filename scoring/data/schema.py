"""The seven Home Credit tables: columns in Kaggle order, kinds, categorical levels and keys.

Categorical levels are the values seen in the real rows of the public sample, plus a few rare levels of
the full Kaggle files. "XNA" and "XAP" are not levels: they mean missing / not applicable and ingestion
turns them into nulls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEY = "key"
INT = "int"
FLOAT = "float"
CAT = "cat"

MISSING_TOKENS = ("XNA", "XAP")
DAYS_EMPLOYED_ANOMALY = 365243
TARGET = "TARGET"


@dataclass(frozen=True)
class Column:
    """One raw column: its name, kind (key, int, float, cat) and allowed categorical levels."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in (KEY, INT, FLOAT)


@dataclass(frozen=True)
class Table:
    """One raw table: file stem, columns in Kaggle order, primary key and foreign keys."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column

TYPE_SUITE_LEVELS = (  # who accompanied the client, in the application and in previous applications
    "Unaccompanied",
    "Family",
    "Spouse, partner",
    "Children",
    "Other_B",
    "Other_A",
    "Group of people",
)

_APPLICATION = (
    C("SK_ID_CURR", KEY),
    C("NAME_CONTRACT_TYPE", CAT, ("Cash loans", "Revolving loans")),
    C("CODE_GENDER", CAT, ("F", "M")),
    C("FLAG_OWN_CAR", CAT, ("N", "Y")),
    C("FLAG_OWN_REALTY", CAT, ("Y", "N")),
    C("CNT_CHILDREN", INT),
    C("AMT_INCOME_TOTAL", FLOAT),
    C("AMT_CREDIT", FLOAT),
    C("AMT_ANNUITY", FLOAT),
    C("AMT_GOODS_PRICE", FLOAT),
    C("NAME_TYPE_SUITE", CAT, TYPE_SUITE_LEVELS),
    C(
        "NAME_INCOME_TYPE",
        CAT,
        (
            "Working",
            "Commercial associate",
            "Pensioner",
            "State servant",
            "Unemployed",
            "Student",
            "Businessman",
            "Maternity leave",
        ),
    ),
    C(
        "NAME_EDUCATION_TYPE",
        CAT,
        (
            "Secondary / secondary special",
            "Higher education",
            "Incomplete higher",
            "Lower secondary",
            "Academic degree",
        ),
    ),
    C(
        "NAME_FAMILY_STATUS",
        CAT,
        (
            "Married",
            "Single / not married",
            "Civil marriage",
            "Separated",
            "Widow",
            "Unknown",
        ),
    ),
    C(
        "NAME_HOUSING_TYPE",
        CAT,
        (
            "House / apartment",
            "With parents",
            "Municipal apartment",
            "Rented apartment",
            "Office apartment",
            "Co-op apartment",
        ),
    ),
    C("REGION_POPULATION_RELATIVE", FLOAT),
    C("DAYS_BIRTH", INT),
    C("DAYS_EMPLOYED", INT),
    C("DAYS_REGISTRATION", FLOAT),
    C("DAYS_ID_PUBLISH", INT),
    C("OWN_CAR_AGE", FLOAT),
    C("FLAG_MOBIL", INT),
    C("FLAG_EMP_PHONE", INT),
    C("FLAG_WORK_PHONE", INT),
    C("FLAG_CONT_MOBILE", INT),
    C("FLAG_PHONE", INT),
    C("FLAG_EMAIL", INT),
    C(
        "OCCUPATION_TYPE",
        CAT,
        (
            "Laborers",
            "Sales staff",
            "Core staff",
            "Managers",
            "Drivers",
            "High skill tech staff",
            "Accountants",
            "Medicine staff",
            "Security staff",
            "Cooking staff",
            "Cleaning staff",
            "Private service staff",
            "Low-skill Laborers",
            "Secretaries",
            "Waiters/barmen staff",
            "Realty agents",
            "HR staff",
            "IT staff",
        ),
    ),
    C("CNT_FAM_MEMBERS", FLOAT),
    C("REGION_RATING_CLIENT", INT),
    C("REGION_RATING_CLIENT_W_CITY", INT),
    C(
        "WEEKDAY_APPR_PROCESS_START",
        CAT,
        ("TUESDAY", "MONDAY", "THURSDAY", "WEDNESDAY", "FRIDAY", "SATURDAY", "SUNDAY"),
    ),
    C("HOUR_APPR_PROCESS_START", INT),
    C("REG_REGION_NOT_LIVE_REGION", INT),
    C("REG_REGION_NOT_WORK_REGION", INT),
    C("LIVE_REGION_NOT_WORK_REGION", INT),
    C("REG_CITY_NOT_LIVE_CITY", INT),
    C("REG_CITY_NOT_WORK_CITY", INT),
    C("LIVE_CITY_NOT_WORK_CITY", INT),
    C(
        "ORGANIZATION_TYPE",
        CAT,
        (
            "Business Entity Type 3",
            "Self-employed",
            "Other",
            "Medicine",
            "Government",
            "Business Entity Type 2",
            "School",
            "Trade: type 7",
            "Kindergarten",
            "Construction",
            "Business Entity Type 1",
            "Transport: type 4",
            "Trade: type 3",
            "Industry: type 3",
            "Housing",
            "Security",
            "Military",
            "Industry: type 9",
            "Transport: type 2",
            "Industry: type 11",
            "Bank",
            "Police",
            "Services",
            "Agriculture",
            "Security Ministries",
            "Postal",
            "Trade: type 2",
            "Restaurant",
            "Industry: type 7",
            "University",
            "Transport: type 3",
            "Industry: type 1",
            "Electricity",
            "Trade: type 6",
            "Hotel",
            "Industry: type 4",
            "Emergency",
            "Industry: type 5",
            "Telecom",
            "Insurance",
            "Industry: type 12",
            "Industry: type 2",
            "Advertising",
            "Culture",
            "Legal Services",
            "Trade: type 1",
            "Realtor",
            "Mobile",
            "Transport: type 1",
            "Industry: type 10",
            "Cleaning",
            "Industry: type 13",
            "Trade: type 5",
            "Religion",
            "Industry: type 6",
            "Trade: type 4",
            "Industry: type 8",
        ),
    ),
    C("EXT_SOURCE_1", FLOAT),
    C("EXT_SOURCE_2", FLOAT),
    C("EXT_SOURCE_3", FLOAT),
    C("APARTMENTS_AVG", FLOAT),
    C("BASEMENTAREA_AVG", FLOAT),
    C("YEARS_BEGINEXPLUATATION_AVG", FLOAT),
    C("YEARS_BUILD_AVG", FLOAT),
    C("COMMONAREA_AVG", FLOAT),
    C("ELEVATORS_AVG", FLOAT),
    C("ENTRANCES_AVG", FLOAT),
    C("FLOORSMAX_AVG", FLOAT),
    C("FLOORSMIN_AVG", FLOAT),
    C("LANDAREA_AVG", FLOAT),
    C("LIVINGAPARTMENTS_AVG", FLOAT),
    C("LIVINGAREA_AVG", FLOAT),
    C("NONLIVINGAPARTMENTS_AVG", FLOAT),
    C("NONLIVINGAREA_AVG", FLOAT),
    C("APARTMENTS_MODE", FLOAT),
    C("BASEMENTAREA_MODE", FLOAT),
    C("YEARS_BEGINEXPLUATATION_MODE", FLOAT),
    C("YEARS_BUILD_MODE", FLOAT),
    C("COMMONAREA_MODE", FLOAT),
    C("ELEVATORS_MODE", FLOAT),
    C("ENTRANCES_MODE", FLOAT),
    C("FLOORSMAX_MODE", FLOAT),
    C("FLOORSMIN_MODE", FLOAT),
    C("LANDAREA_MODE", FLOAT),
    C("LIVINGAPARTMENTS_MODE", FLOAT),
    C("LIVINGAREA_MODE", FLOAT),
    C("NONLIVINGAPARTMENTS_MODE", FLOAT),
    C("NONLIVINGAREA_MODE", FLOAT),
    C("APARTMENTS_MEDI", FLOAT),
    C("BASEMENTAREA_MEDI", FLOAT),
    C("YEARS_BEGINEXPLUATATION_MEDI", FLOAT),
    C("YEARS_BUILD_MEDI", FLOAT),
    C("COMMONAREA_MEDI", FLOAT),
    C("ELEVATORS_MEDI", FLOAT),
    C("ENTRANCES_MEDI", FLOAT),
    C("FLOORSMAX_MEDI", FLOAT),
    C("FLOORSMIN_MEDI", FLOAT),
    C("LANDAREA_MEDI", FLOAT),
    C("LIVINGAPARTMENTS_MEDI", FLOAT),
    C("LIVINGAREA_MEDI", FLOAT),
    C("NONLIVINGAPARTMENTS_MEDI", FLOAT),
    C("NONLIVINGAREA_MEDI", FLOAT),
    C(
        "FONDKAPREMONT_MODE",
        CAT,
        (
            "reg oper account",
            "reg oper spec account",
            "org spec account",
            "not specified",
        ),
    ),
    C("HOUSETYPE_MODE", CAT, ("block of flats", "specific housing", "terraced house")),
    C("TOTALAREA_MODE", FLOAT),
    C(
        "WALLSMATERIAL_MODE",
        CAT,
        ("Panel", "Stone, brick", "Block", "Wooden", "Mixed", "Monolithic", "Others"),
    ),
    C("EMERGENCYSTATE_MODE", CAT, ("No", "Yes")),
    C("OBS_30_CNT_SOCIAL_CIRCLE", FLOAT),
    C("DEF_30_CNT_SOCIAL_CIRCLE", FLOAT),
    C("OBS_60_CNT_SOCIAL_CIRCLE", FLOAT),
    C("DEF_60_CNT_SOCIAL_CIRCLE", FLOAT),
    C("DAYS_LAST_PHONE_CHANGE", FLOAT),
    C("FLAG_DOCUMENT_2", INT),
    C("FLAG_DOCUMENT_3", INT),
    C("FLAG_DOCUMENT_4", INT),
    C("FLAG_DOCUMENT_5", INT),
    C("FLAG_DOCUMENT_6", INT),
    C("FLAG_DOCUMENT_7", INT),
    C("FLAG_DOCUMENT_8", INT),
    C("FLAG_DOCUMENT_9", INT),
    C("FLAG_DOCUMENT_10", INT),
    C("FLAG_DOCUMENT_11", INT),
    C("FLAG_DOCUMENT_12", INT),
    C("FLAG_DOCUMENT_13", INT),
    C("FLAG_DOCUMENT_14", INT),
    C("FLAG_DOCUMENT_15", INT),
    C("FLAG_DOCUMENT_16", INT),
    C("FLAG_DOCUMENT_17", INT),
    C("FLAG_DOCUMENT_18", INT),
    C("FLAG_DOCUMENT_19", INT),
    C("FLAG_DOCUMENT_20", INT),
    C("FLAG_DOCUMENT_21", INT),
    C("AMT_REQ_CREDIT_BUREAU_HOUR", FLOAT),
    C("AMT_REQ_CREDIT_BUREAU_DAY", FLOAT),
    C("AMT_REQ_CREDIT_BUREAU_WEEK", FLOAT),
    C("AMT_REQ_CREDIT_BUREAU_MON", FLOAT),
    C("AMT_REQ_CREDIT_BUREAU_QRT", FLOAT),
    C("AMT_REQ_CREDIT_BUREAU_YEAR", FLOAT),
)

_BUREAU = (
    C("SK_ID_CURR", KEY),
    C("SK_ID_BUREAU", KEY),
    C("CREDIT_ACTIVE", CAT, ("Closed", "Active", "Sold", "Bad debt")),
    C("CREDIT_CURRENCY", CAT, ("currency 1", "currency 2", "currency 3", "currency 4")),
    C("DAYS_CREDIT", INT),
    C("CREDIT_DAY_OVERDUE", INT),
    C("DAYS_CREDIT_ENDDATE", FLOAT),
    C("DAYS_ENDDATE_FACT", FLOAT),
    C("AMT_CREDIT_MAX_OVERDUE", FLOAT),
    C("CNT_CREDIT_PROLONG", INT),
    C("AMT_CREDIT_SUM", FLOAT),
    C("AMT_CREDIT_SUM_DEBT", FLOAT),
    C("AMT_CREDIT_SUM_LIMIT", FLOAT),
    C("AMT_CREDIT_SUM_OVERDUE", FLOAT),
    C(
        "CREDIT_TYPE",
        CAT,
        (
            "Consumer credit",
            "Credit card",
            "Car loan",
            "Mortgage",
            "Microloan",
            "Loan for business development",
            "Another type of loan",
            "Unknown type of loan",
            "Loan for working capital replenishment",
            "Cash loan (non-earmarked)",
            "Real estate loan",
            "Loan for the purchase of equipment",
            "Interbank credit",
            "Loan for purchase of shares (margin lending)",
            "Mobile operator loan",
        ),
    ),
    C("DAYS_CREDIT_UPDATE", INT),
    C("AMT_ANNUITY", FLOAT),
)

_BUREAU_BALANCE = (
    C("SK_ID_BUREAU", KEY),
    C("MONTHS_BALANCE", INT),
    C("STATUS", CAT, ("C", "0", "X", "1", "5", "2", "3", "4")),
)

_PREVIOUS_APPLICATION = (
    C("SK_ID_PREV", KEY),
    C("SK_ID_CURR", KEY),
    C("NAME_CONTRACT_TYPE", CAT, ("Cash loans", "Consumer loans", "Revolving loans")),
    C("AMT_ANNUITY", FLOAT),
    C("AMT_APPLICATION", FLOAT),
    C("AMT_CREDIT", FLOAT),
    C("AMT_DOWN_PAYMENT", FLOAT),
    C("AMT_GOODS_PRICE", FLOAT),
    C(
        "WEEKDAY_APPR_PROCESS_START",
        CAT,
        ("WEDNESDAY", "TUESDAY", "MONDAY", "FRIDAY", "THURSDAY", "SATURDAY", "SUNDAY"),
    ),
    C("HOUR_APPR_PROCESS_START", INT),
    C("FLAG_LAST_APPL_PER_CONTRACT", CAT, ("Y", "N")),
    C("NFLAG_LAST_APPL_IN_DAY", INT),
    C("RATE_DOWN_PAYMENT", FLOAT),
    C("RATE_INTEREST_PRIMARY", FLOAT),
    C("RATE_INTEREST_PRIVILEGED", FLOAT),
    C(
        "NAME_CASH_LOAN_PURPOSE",
        CAT,
        (
            "Repairs",
            "Other",
            "Urgent needs",
            "Buying a used car",
            "Everyday expenses",
            "Medicine",
            "Car repairs",
            "Payments on other loans",
            "Buying a new car",
            "Buying a holiday home / land",
            "Building a house or an annex",
            "Purchase of electronic equipment",
            "Furniture",
            "Education",
            "Journey",
        ),
    ),
    C("NAME_CONTRACT_STATUS", CAT, ("Approved", "Canceled", "Refused", "Unused offer")),
    C("DAYS_DECISION", INT),
    C(
        "NAME_PAYMENT_TYPE",
        CAT,
        (
            "Cash through the bank",
            "Non-cash from your account",
            "Cashless from the account of the employer",
        ),
    ),
    C(
        "CODE_REJECT_REASON",
        CAT,
        ("HC", "LIMIT", "SCO", "CLIENT", "SCOFR", "VERIF", "SYSTEM"),
    ),
    C("NAME_TYPE_SUITE", CAT, TYPE_SUITE_LEVELS),
    C("NAME_CLIENT_TYPE", CAT, ("Repeater", "New", "Refreshed")),
    C(
        "NAME_GOODS_CATEGORY",
        CAT,
        (
            "Mobile",
            "Consumer Electronics",
            "Audio/Video",
            "Computers",
            "Furniture",
            "Photo / Cinema Equipment",
            "Construction Materials",
            "Clothing and Accessories",
            "Jewelry",
            "Homewares",
            "Gardening",
            "Medical Supplies",
            "Auto Accessories",
            "Other",
            "Vehicles",
            "Office Appliances",
            "Medicine",
            "Sport and Leisure",
            "Tourism",
            "Weapon",
        ),
    ),
    C("NAME_PORTFOLIO", CAT, ("POS", "Cash", "Cards", "Cars")),
    C("NAME_PRODUCT_TYPE", CAT, ("x-sell", "walk-in")),
    C(
        "CHANNEL_TYPE",
        CAT,
        (
            "Credit and cash offices",
            "Country-wide",
            "Stone",
            "Regional / Local",
            "Contact center",
            "AP+ (Cash loan)",
            "Channel of corporate sales",
            "Car dealer",
        ),
    ),
    C("SELLERPLACE_AREA", INT),
    C(
        "NAME_SELLER_INDUSTRY",
        CAT,
        (
            "Consumer electronics",
            "Connectivity",
            "Furniture",
            "Construction",
            "Clothing",
            "Industry",
            "Jewelry",
            "Auto technology",
            "Tourism",
        ),
    ),
    C("CNT_PAYMENT", FLOAT),
    C("NAME_YIELD_GROUP", CAT, ("middle", "high", "low_normal", "low_action")),
    C(
        "PRODUCT_COMBINATION",
        CAT,
        (
            "POS household with interest",
            "Cash",
            "POS mobile with interest",
            "Cash X-Sell: middle",
            "Cash X-Sell: low",
            "Card Street",
            "POS industry with interest",
            "POS household without interest",
            "Card X-Sell",
            "Cash X-Sell: high",
            "Cash Street: high",
            "Cash Street: middle",
            "Cash Street: low",
            "POS other with interest",
            "POS mobile without interest",
            "POS industry without interest",
            "POS others without interest",
        ),
    ),
    C("DAYS_FIRST_DRAWING", FLOAT),
    C("DAYS_FIRST_DUE", FLOAT),
    C("DAYS_LAST_DUE_1ST_VERSION", FLOAT),
    C("DAYS_LAST_DUE", FLOAT),
    C("DAYS_TERMINATION", FLOAT),
    C("NFLAG_INSURED_ON_APPROVAL", FLOAT),
)

_POS_CASH_BALANCE = (
    C("SK_ID_PREV", KEY),
    C("SK_ID_CURR", KEY),
    C("MONTHS_BALANCE", INT),
    C("CNT_INSTALMENT", FLOAT),
    C("CNT_INSTALMENT_FUTURE", FLOAT),
    C(
        "NAME_CONTRACT_STATUS",
        CAT,
        (
            "Active",
            "Completed",
            "Signed",
            "Demand",
            "Returned to the store",
            "Approved",
            "Amortized debt",
            "Canceled",
        ),
    ),
    C("SK_DPD", INT),
    C("SK_DPD_DEF", INT),
)

_INSTALLMENTS_PAYMENTS = (
    C("SK_ID_PREV", KEY),
    C("SK_ID_CURR", KEY),
    C("NUM_INSTALMENT_VERSION", FLOAT),
    C("NUM_INSTALMENT_NUMBER", INT),
    C("DAYS_INSTALMENT", FLOAT),
    C("DAYS_ENTRY_PAYMENT", FLOAT),
    C("AMT_INSTALMENT", FLOAT),
    C("AMT_PAYMENT", FLOAT),
)

_CREDIT_CARD_BALANCE = (
    C("SK_ID_PREV", KEY),
    C("SK_ID_CURR", KEY),
    C("MONTHS_BALANCE", INT),
    C("AMT_BALANCE", FLOAT),
    C("AMT_CREDIT_LIMIT_ACTUAL", INT),
    C("AMT_DRAWINGS_ATM_CURRENT", FLOAT),
    C("AMT_DRAWINGS_CURRENT", FLOAT),
    C("AMT_DRAWINGS_OTHER_CURRENT", FLOAT),
    C("AMT_DRAWINGS_POS_CURRENT", FLOAT),
    C("AMT_INST_MIN_REGULARITY", FLOAT),
    C("AMT_PAYMENT_CURRENT", FLOAT),
    C("AMT_PAYMENT_TOTAL_CURRENT", FLOAT),
    C("AMT_RECEIVABLE_PRINCIPAL", FLOAT),
    C("AMT_RECIVABLE", FLOAT),
    C("AMT_TOTAL_RECEIVABLE", FLOAT),
    C("CNT_DRAWINGS_ATM_CURRENT", FLOAT),
    C("CNT_DRAWINGS_CURRENT", INT),
    C("CNT_DRAWINGS_OTHER_CURRENT", FLOAT),
    C("CNT_DRAWINGS_POS_CURRENT", FLOAT),
    C("CNT_INSTALMENT_MATURE_CUM", FLOAT),
    C(
        "NAME_CONTRACT_STATUS",
        CAT,
        (
            "Active",
            "Completed",
            "Signed",
            "Sent proposal",
            "Approved",
            "Demand",
            "Refused",
        ),
    ),
    C("SK_DPD", INT),
    C("SK_DPD_DEF", INT),
)


APPLICATION_TRAIN = Table(
    "application_train",
    (_APPLICATION[0], C(TARGET, INT), *_APPLICATION[1:]),
    ("SK_ID_CURR",),
)
APPLICATION_TEST = Table("application_test", _APPLICATION, ("SK_ID_CURR",))
BUREAU = Table("bureau", _BUREAU, ("SK_ID_BUREAU",), {"SK_ID_CURR": "application"})
BUREAU_BALANCE = Table(
    "bureau_balance",
    _BUREAU_BALANCE,
    ("SK_ID_BUREAU", "MONTHS_BALANCE"),
    {"SK_ID_BUREAU": "bureau"},
)
PREVIOUS_APPLICATION = Table(
    "previous_application",
    _PREVIOUS_APPLICATION,
    ("SK_ID_PREV",),
    {"SK_ID_CURR": "application"},
)
_PREV_CHILD_KEYS = {"SK_ID_CURR": "application", "SK_ID_PREV": "previous_application"}
POS_CASH_BALANCE = Table(
    "POS_CASH_balance",
    _POS_CASH_BALANCE,
    ("SK_ID_PREV", "MONTHS_BALANCE"),
    _PREV_CHILD_KEYS,
)
INSTALLMENTS_PAYMENTS = Table("installments_payments", _INSTALLMENTS_PAYMENTS, (), _PREV_CHILD_KEYS)
CREDIT_CARD_BALANCE = Table(
    "credit_card_balance",
    _CREDIT_CARD_BALANCE,
    ("SK_ID_PREV", "MONTHS_BALANCE"),
    _PREV_CHILD_KEYS,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        APPLICATION_TRAIN,
        APPLICATION_TEST,
        BUREAU,
        BUREAU_BALANCE,
        PREVIOUS_APPLICATION,
        POS_CASH_BALANCE,
        INSTALLMENTS_PAYMENTS,
        CREDIT_CARD_BALANCE,
    )
}
REQUIRED_TABLES = ("application_train",)
SECONDARY_TABLES = tuple(t for t in TABLES if not t.startswith("application"))
