"""The per-client aggregations of the six secondary tables, declared as data (see `aggregation`).

Row-level and aggregate expressions are plain SQL (CASE, COALESCE, NULLIF, CAST, AVG, STDDEV_SAMP, ...),
which DuckDB runs here and Spark SQL can run unchanged. Days and months are offsets relative to the
application date (negative = before it). COUNT(DISTINCT ...) makes DuckDB materialise a table's rows
once more, so it is kept for the small credit_card_balance table only.
"""

from __future__ import annotations

from scoring.data.schema import BUREAU_BALANCE
from scoring.features.aggregation import Agg, Derived, Post, Rollup, Subset, TableSpec, Term

ALL = ("mean", "min", "max")
MEAN_MAX = ("mean", "max")
MAX_MEAN_SUM = ("max", "mean", "sum")


def _clip_positive(difference: str) -> str:
    """SQL: the difference when positive, 0 when not, missing when missing."""
    return f"CASE WHEN {difference} IS NULL THEN NULL WHEN {difference} > 0 THEN {difference} ELSE 0 END"


def _flag(condition: str) -> str:
    """SQL: 1.0 when the condition holds, 0.0 when not, missing when an operand is missing."""
    return f"CAST({condition} AS DOUBLE)"


def _share_flag(noun: str, share_label: str, noun_fr: str, share_label_fr: str) -> Term:
    return Term(
        noun,
        "flag",
        labels={"mean": share_label, "sum": share_label.replace("Share of", "Number of", 1)},
        fr=noun_fr,
        labels_fr={"mean": share_label_fr, "sum": share_label_fr.replace("Part des", "Nombre de", 1)},
    )


# --- bureau + bureau_balance -------------------------------------------------------------------------

_LATE_STATUS = "STATUS IN ('1', '2', '3', '4', '5')"
_STATUS_MEANING = {
    "C": "C (closed)",
    "X": "X (unknown)",
    "0": "0 (no delay)",
    "1": "1 (1-30 days late)",
    "2": "2 (31-60 days late)",
    "3": "3 (61-90 days late)",
    "4": "4 (91-120 days late)",
    "5": "5 (over 120 days late or written off)",
}
_STATUS_MEANING_FR = {
    "C": "C (clos)",
    "X": "X (inconnu)",
    "0": "0 (sans retard)",
    "1": "1 (1 à 30 jours de retard)",
    "2": "2 (31 à 60 jours de retard)",
    "3": "3 (61 à 90 jours de retard)",
    "4": "4 (91 à 120 jours de retard)",
    "5": "5 (plus de 120 jours de retard ou passé en perte)",
}
_STATUS_LEVELS = BUREAU_BALANCE.column("STATUS").levels

BUREAU_BALANCE_ROLLUP = Rollup(
    table="bureau_balance",
    key="SK_ID_BUREAU",
    columns=(
        Derived(
            "BB_MONTHS",
            "COUNT(*)",
            Term("months of balance history of {rows}", "months", fr="mois d'historique des {rows}"),
        ),
        *(
            Derived(
                f"BB_STATUS_{level}_MONTHS",
                f"SUM(CASE WHEN STATUS = '{level}' THEN 1 ELSE 0 END)",
                Term(
                    f"months in status {_STATUS_MEANING[level]} of {{rows}}",
                    "months",
                    fr=f"mois au statut {_STATUS_MEANING_FR[level]} des {{rows}}",
                ),
            )
            for level in _STATUS_LEVELS
        ),
        Derived(
            "BB_LATE_MONTHS",
            f"SUM(CASE WHEN {_LATE_STATUS} THEN 1 ELSE 0 END)",
            Term("months past due of {rows}", "months", fr="mois en retard des {rows}"),
        ),
        Derived(
            "BB_LATE_MONTHS_12M",
            f"SUM(CASE WHEN MONTHS_BALANCE >= -12 AND {_LATE_STATUS} THEN 1 ELSE 0 END)",
            Term(
                "months past due in the last 12 months of {rows}",
                "months",
                fr="mois en retard sur les 12 derniers mois des {rows}",
            ),
        ),
        Derived(
            "BB_LATE_SHARE",
            f"AVG(CASE WHEN {_LATE_STATUS} THEN 1.0 ELSE 0.0 END)",
            Term("share of months past due of {rows}", "share", fr="part des mois en retard des {rows}"),
        ),
        Derived(
            "BB_WORST_STATUS",
            "MAX(CASE WHEN STATUS IN ('0', '1', '2', '3', '4', '5') THEN CAST(STATUS AS INTEGER) END)",
            Term(
                "worst monthly delay status of {rows}",
                "status",
                labels={
                    "max": "Worst monthly delay status of {rows} (0 none to 5 over 120 days)",
                    "mean": "Average worst monthly delay status of {rows} (0 none to 5 over 120 days)",
                },
                fr="pire statut de retard mensuel des {rows}",
                labels_fr={
                    "max": "Pire statut de retard mensuel des {rows} (0 aucun à 5 plus de 120 jours)",
                    "mean": "Pire statut de retard mensuel des {rows} (moyenne ; 0 aucun à 5 > 120 jours)",
                },
            ),
        ),
        Derived(
            "BB_FIRST_MONTH",
            "MIN(MONTHS_BALANCE)",
            Term(
                "first month of balance history of {rows}",
                "months",
                date=True,
                fr="premier mois d'historique des {rows}",
            ),
        ),
    ),
)

BUREAU = TableSpec(
    table="bureau",
    prefix="BUREAU",
    terms={
        "DAYS_CREDIT": Term("opening date of {rows}", "days", date=True, fr="date d'ouverture des {rows}"),
        "CREDIT_DAY_OVERDUE": Term("days past due of {rows}", "days", fr="jours de retard des {rows}"),
        "DAYS_CREDIT_ENDDATE": Term(
            "planned end date of {rows}", "days", date=True, fr="date de fin prévue des {rows}"
        ),
        "DAYS_ENDDATE_FACT": Term(
            "actual end date of {rows}", "days", date=True, fr="date de fin effective des {rows}"
        ),
        "AMT_CREDIT_MAX_OVERDUE": Term(
            "largest amount ever overdue on {rows}",
            "currency",
            fr="plus gros impayé jamais constaté des {rows}",
        ),
        "CNT_CREDIT_PROLONG": Term("prolongations of {rows}", "count", fr="prolongations des {rows}"),
        "AMT_CREDIT_SUM": Term("credit amount of {rows}", "currency", fr="montant du crédit des {rows}"),
        "AMT_CREDIT_SUM_DEBT": Term("current debt on {rows}", "currency", fr="encours de dette des {rows}"),
        "AMT_CREDIT_SUM_LIMIT": Term(
            "credit card limit on {rows}", "currency", fr="plafond de carte des {rows}"
        ),
        "AMT_CREDIT_SUM_OVERDUE": Term(
            "amount currently overdue on {rows}", "currency", fr="montant actuellement impayé des {rows}"
        ),
        "DAYS_CREDIT_UPDATE": Term(
            "information date of {rows}", "days", date=True, fr="date de mise à jour des {rows}"
        ),
        "AMT_ANNUITY": Term("annuity of {rows}", "currency", fr="mensualité des {rows}"),
        "CREDIT_ACTIVE": Term("status", "code", fr="statut"),
        "CREDIT_CURRENCY": Term("currency", "code", fr="devise"),
        "CREDIT_TYPE": Term("credit type", "code", fr="type de crédit"),
    },
    derived=(
        Derived(
            "DEBT_CREDIT_RATIO",
            "AMT_CREDIT_SUM_DEBT / NULLIF(AMT_CREDIT_SUM, 0)",
            Term("debt / credit amount of {rows}", "ratio", fr="dette / montant du crédit des {rows}"),
        ),
        Derived(
            "OVERDUE_DEBT_RATIO",
            "AMT_CREDIT_SUM_OVERDUE / NULLIF(AMT_CREDIT_SUM_DEBT, 0)",
            Term("overdue share of the debt on {rows}", "ratio", fr="part impayée de la dette des {rows}"),
        ),
        Derived(
            "CREDIT_DURATION",
            "DAYS_CREDIT_ENDDATE - DAYS_CREDIT",
            Term("planned duration of {rows}", "days", fr="durée prévue des {rows}"),
        ),
        Derived(
            "ENDDATE_GAP",
            "DAYS_ENDDATE_FACT - DAYS_CREDIT_ENDDATE",
            Term(
                "actual minus planned end date of {rows}",
                "days",
                fr="écart entre fin effective et fin prévue des {rows}",
            ),
        ),
        Derived(
            "IS_OVERDUE",
            _flag("CREDIT_DAY_OVERDUE > 0"),
            _share_flag(
                "overdue credit",
                "Share of {rows} overdue at application",
                "crédit en retard",
                "Part des {rows} en retard à la demande",
            ),
        ),
    ),
    rollups=(BUREAU_BALANCE_ROLLUP,),
    subsets=(
        Subset(
            name="",
            where=None,
            rows="bureau credits",
            rows_fr="crédits déclarés au bureau",
            aggs=(
                Agg("DAYS_CREDIT", ALL),
                Agg("CREDIT_DAY_OVERDUE", MEAN_MAX),
                Agg("DAYS_CREDIT_ENDDATE", ALL),
                Agg("DAYS_ENDDATE_FACT", ("mean",)),
                Agg("AMT_CREDIT_MAX_OVERDUE", MEAN_MAX),
                Agg("CNT_CREDIT_PROLONG", ("sum",)),
                Agg("AMT_CREDIT_SUM", MAX_MEAN_SUM),
                Agg("AMT_CREDIT_SUM_DEBT", MAX_MEAN_SUM),
                Agg("AMT_CREDIT_SUM_LIMIT", ("mean", "sum")),
                Agg("AMT_CREDIT_SUM_OVERDUE", MAX_MEAN_SUM),
                Agg("DAYS_CREDIT_UPDATE", MEAN_MAX),
                Agg("AMT_ANNUITY", MAX_MEAN_SUM),
                Agg("DEBT_CREDIT_RATIO", MEAN_MAX),
                Agg("OVERDUE_DEBT_RATIO", MEAN_MAX),
                Agg("CREDIT_DURATION", MEAN_MAX),
                Agg("ENDDATE_GAP", ("mean",)),
                Agg("IS_OVERDUE", ("mean",)),
                Agg("BB_MONTHS", ("mean", "sum")),
                *(Agg(f"BB_STATUS_{level}_MONTHS", ("sum",)) for level in _STATUS_LEVELS),
                Agg("BB_LATE_MONTHS", ("sum",)),
                Agg("BB_LATE_MONTHS_12M", ("sum",)),
                Agg("BB_LATE_SHARE", MEAN_MAX),
                Agg("BB_WORST_STATUS", MEAN_MAX),
                Agg("BB_FIRST_MONTH", ("min",)),
            ),
            shares=("CREDIT_ACTIVE", "CREDIT_CURRENCY", "CREDIT_TYPE"),
        ),
        Subset(
            name="ACTIVE",
            where="CREDIT_ACTIVE = 'Active'",
            rows="active bureau credits",
            rows_fr="crédits actifs déclarés au bureau",
            aggs=(
                Agg("DAYS_CREDIT", ALL),
                Agg("DAYS_CREDIT_ENDDATE", ALL),
                Agg("CREDIT_DAY_OVERDUE", MEAN_MAX),
                Agg("AMT_CREDIT_MAX_OVERDUE", ("max",)),
                Agg("CNT_CREDIT_PROLONG", ("sum",)),
                Agg("AMT_CREDIT_SUM", MAX_MEAN_SUM),
                Agg("AMT_CREDIT_SUM_DEBT", MAX_MEAN_SUM),
                Agg("AMT_CREDIT_SUM_LIMIT", ("mean", "sum")),
                Agg("AMT_CREDIT_SUM_OVERDUE", ("max", "sum")),
                Agg("AMT_ANNUITY", ("mean", "sum")),
                Agg("DAYS_CREDIT_UPDATE", ("mean",)),
                Agg("DEBT_CREDIT_RATIO", MEAN_MAX),
                Agg("BB_MONTHS", ("mean",)),
                Agg("BB_LATE_MONTHS", ("sum",)),
                Agg("BB_WORST_STATUS", ("max",)),
            ),
        ),
        Subset(
            name="CLOSED",
            where="CREDIT_ACTIVE = 'Closed'",
            rows="closed bureau credits",
            rows_fr="crédits clos déclarés au bureau",
            aggs=(
                Agg("DAYS_CREDIT", ALL),
                Agg("DAYS_CREDIT_ENDDATE", MEAN_MAX),
                Agg("DAYS_ENDDATE_FACT", ALL),
                Agg("ENDDATE_GAP", ("mean",)),
                Agg("AMT_CREDIT_MAX_OVERDUE", MEAN_MAX),
                Agg("CNT_CREDIT_PROLONG", ("sum",)),
                Agg("AMT_CREDIT_SUM", MAX_MEAN_SUM),
                Agg("AMT_CREDIT_SUM_DEBT", ("max", "sum")),
                Agg("AMT_ANNUITY", ("mean",)),
                Agg("BB_MONTHS", ("mean",)),
                Agg("BB_LATE_MONTHS", ("sum",)),
                Agg("BB_WORST_STATUS", ("max",)),
            ),
        ),
    ),
    post=(
        Post(
            "BUREAU_DEBT_CREDIT_RATIO",
            "{BUREAU_AMT_CREDIT_SUM_DEBT_SUM} / NULLIF({BUREAU_AMT_CREDIT_SUM_SUM}, 0)",
            "ratio",
            "Total debt / total credit amount of bureau credits",
            "Dette totale / montant total des crédits déclarés au bureau",
        ),
        Post(
            "BUREAU_ACTIVE_DEBT_CREDIT_RATIO",
            "{BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM} / NULLIF({BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM}, 0)",
            "ratio",
            "Total debt / total credit amount of active bureau credits",
            "Dette totale / montant total des crédits actifs déclarés au bureau",
        ),
        Post(
            "BUREAU_OVERDUE_DEBT_RATIO",
            "{BUREAU_AMT_CREDIT_SUM_OVERDUE_SUM} / NULLIF({BUREAU_AMT_CREDIT_SUM_DEBT_SUM}, 0)",
            "ratio",
            "Total overdue amount / total debt of bureau credits",
            "Montant impayé total / dette totale des crédits déclarés au bureau",
        ),
        Post(
            "BUREAU_ACTIVE_SHARE",
            "{BUREAU_ACTIVE_COUNT} / NULLIF({BUREAU_COUNT}, 0)",
            "share",
            "Share of bureau credits still active",
            "Part des crédits déclarés au bureau encore actifs",
        ),
    ),
)

# --- previous_application ----------------------------------------------------------------------------

PREVIOUS_APPLICATION = TableSpec(
    table="previous_application",
    prefix="PREV",
    terms={
        "AMT_ANNUITY": Term("annuity of {rows}", "currency", fr="mensualité des {rows}"),
        "AMT_APPLICATION": Term("amount asked on {rows}", "currency", fr="montant demandé des {rows}"),
        "AMT_CREDIT": Term("amount granted on {rows}", "currency", fr="montant accordé des {rows}"),
        "AMT_DOWN_PAYMENT": Term("down payment on {rows}", "currency", fr="apport des {rows}"),
        "AMT_GOODS_PRICE": Term("goods price on {rows}", "currency", fr="prix du bien des {rows}"),
        "HOUR_APPR_PROCESS_START": Term("hour of {rows}", "hour", fr="heure des {rows}"),
        "RATE_DOWN_PAYMENT": Term("down payment rate of {rows}", "ratio", fr="taux d'apport des {rows}"),
        "DAYS_DECISION": Term("decision date of {rows}", "days", date=True, fr="date de décision des {rows}"),
        "CNT_PAYMENT": Term("number of payments of {rows}", "count", fr="nombre de versements des {rows}"),
        "DAYS_FIRST_DRAWING": Term(
            "first drawing date of {rows}", "days", date=True, fr="date du premier déblocage des {rows}"
        ),
        "DAYS_FIRST_DUE": Term(
            "first due date of {rows}", "days", date=True, fr="date de la première échéance des {rows}"
        ),
        "DAYS_LAST_DUE_1ST_VERSION": Term(
            "originally planned last due date of {rows}",
            "days",
            date=True,
            fr="date de dernière échéance prévue à l'origine des {rows}",
        ),
        "DAYS_LAST_DUE": Term(
            "last due date of {rows}", "days", date=True, fr="date de la dernière échéance des {rows}"
        ),
        "DAYS_TERMINATION": Term(
            "expected termination date of {rows}", "days", date=True, fr="date de clôture prévue des {rows}"
        ),
        "NFLAG_INSURED_ON_APPROVAL": _share_flag(
            "insurance",
            "Share of {rows} with insurance requested",
            "assurance",
            "Part des {rows} avec assurance demandée",
        ),
        "NAME_CONTRACT_TYPE": Term("contract type", "code", fr="type de contrat"),
        "CODE_REJECT_REASON": Term("rejection reason", "code", fr="motif de refus"),
        "NAME_CLIENT_TYPE": Term("client type", "code", fr="type de client"),
        "NAME_YIELD_GROUP": Term("interest rate group", "code", fr="groupe de taux d'intérêt"),
        "NAME_PORTFOLIO": Term("portfolio", "code", fr="portefeuille"),
        "NAME_PRODUCT_TYPE": Term("product type", "code", fr="type de produit"),
        "CHANNEL_TYPE": Term("sales channel", "code", fr="canal de vente"),
        "NAME_PAYMENT_TYPE": Term("payment method", "code", fr="mode de paiement"),
        "PRODUCT_COMBINATION": Term("product combination", "code", fr="combinaison de produits"),
        "NAME_GOODS_CATEGORY": Term("goods category", "code", fr="catégorie de biens"),
        "NAME_SELLER_INDUSTRY": Term("seller industry", "code", fr="secteur du vendeur"),
    },
    derived=(
        Derived(
            "APP_CREDIT_RATIO",
            "AMT_APPLICATION / NULLIF(AMT_CREDIT, 0)",
            Term(
                "amount asked / amount granted on {rows}",
                "ratio",
                fr="montant demandé / montant accordé des {rows}",
            ),
        ),
        Derived(
            "CREDIT_APP_DIFF",
            "AMT_CREDIT - AMT_APPLICATION",
            Term(
                "amount granted minus amount asked on {rows}",
                "currency",
                fr="montant accordé moins montant demandé des {rows}",
            ),
        ),
        Derived(
            "PAYMENT_RATE",
            "AMT_ANNUITY / NULLIF(AMT_CREDIT, 0)",
            Term(
                "payment rate (annuity / amount granted) of {rows}",
                "ratio",
                fr="taux de remboursement (mensualité / montant accordé) des {rows}",
            ),
        ),
        Derived(
            "GOODS_CREDIT_RATIO",
            "AMT_GOODS_PRICE / NULLIF(AMT_CREDIT, 0)",
            Term(
                "goods price / amount granted on {rows}",
                "ratio",
                fr="prix du bien / montant accordé des {rows}",
            ),
        ),
        Derived(
            "INTEREST_SHARE",
            "CNT_PAYMENT * AMT_ANNUITY / NULLIF(AMT_CREDIT, 0) - 1",
            Term(
                "interest share (total repaid / amount granted - 1) of {rows}",
                "ratio",
                fr="part d'intérêts (total remboursé / montant accordé - 1) des {rows}",
            ),
        ),
        Derived(
            "LAST_DUE_SHIFT",
            "DAYS_LAST_DUE - DAYS_LAST_DUE_1ST_VERSION",
            Term(
                "shift of the last due date against plan on {rows}",
                "days",
                fr="décalage de la dernière échéance par rapport au plan des {rows}",
            ),
        ),
    ),
    subsets=(
        Subset(
            name="",
            where=None,
            rows="previous applications",
            rows_fr="demandes précédentes",
            aggs=(
                Agg("AMT_ANNUITY", ALL),
                Agg("AMT_APPLICATION", ALL),
                Agg("AMT_CREDIT", ("mean", "min", "max", "sum")),
                Agg("APP_CREDIT_RATIO", ("mean", "min", "max", "std")),
                Agg("CREDIT_APP_DIFF", ("mean", "min")),
                Agg("AMT_DOWN_PAYMENT", MEAN_MAX),
                Agg("AMT_GOODS_PRICE", ALL),
                Agg("HOUR_APPR_PROCESS_START", ("mean",)),
                Agg("RATE_DOWN_PAYMENT", MEAN_MAX),
                Agg("DAYS_DECISION", ALL),
                Agg("CNT_PAYMENT", ("mean", "sum")),
                Agg("PAYMENT_RATE", ALL),
                Agg("GOODS_CREDIT_RATIO", ("mean",)),
                Agg("INTEREST_SHARE", MEAN_MAX),
                Agg("DAYS_FIRST_DRAWING", ("mean",)),
                Agg("DAYS_FIRST_DUE", MEAN_MAX),
                Agg("DAYS_LAST_DUE_1ST_VERSION", MEAN_MAX),
                Agg("DAYS_LAST_DUE", MEAN_MAX),
                Agg("DAYS_TERMINATION", MEAN_MAX),
                Agg("LAST_DUE_SHIFT", ("mean",)),
                Agg("NFLAG_INSURED_ON_APPROVAL", ("mean",)),
            ),
            shares=(
                "NAME_CONTRACT_TYPE",
                "CODE_REJECT_REASON",
                "NAME_CLIENT_TYPE",
                "NAME_YIELD_GROUP",
                "NAME_PORTFOLIO",
                "NAME_PRODUCT_TYPE",
                "CHANNEL_TYPE",
                "NAME_PAYMENT_TYPE",
                "PRODUCT_COMBINATION",
                "NAME_GOODS_CATEGORY",
                "NAME_SELLER_INDUSTRY",
            ),
        ),
        Subset(
            name="APPROVED",
            where="NAME_CONTRACT_STATUS = 'Approved'",
            rows="approved previous applications",
            rows_fr="demandes précédentes approuvées",
            aggs=(
                Agg("AMT_ANNUITY", ALL),
                Agg("AMT_APPLICATION", MEAN_MAX),
                Agg("AMT_CREDIT", MAX_MEAN_SUM),
                Agg("APP_CREDIT_RATIO", ("mean", "min")),
                Agg("CREDIT_APP_DIFF", ("mean",)),
                Agg("AMT_DOWN_PAYMENT", ("mean",)),
                Agg("AMT_GOODS_PRICE", ("mean",)),
                Agg("DAYS_DECISION", ALL),
                Agg("CNT_PAYMENT", ("mean", "sum")),
                Agg("PAYMENT_RATE", ("mean",)),
                Agg("INTEREST_SHARE", ("mean",)),
                Agg("DAYS_FIRST_DUE", ("max",)),
                Agg("DAYS_LAST_DUE_1ST_VERSION", MEAN_MAX),
                Agg("DAYS_LAST_DUE", ("max",)),
                Agg("DAYS_TERMINATION", ("max",)),
                Agg("LAST_DUE_SHIFT", ("mean",)),
            ),
        ),
        Subset(
            name="REFUSED",
            where="NAME_CONTRACT_STATUS = 'Refused'",
            rows="refused previous applications",
            rows_fr="demandes précédentes refusées",
            aggs=(
                Agg("AMT_ANNUITY", MEAN_MAX),
                Agg("AMT_APPLICATION", MEAN_MAX),
                Agg("AMT_CREDIT", MEAN_MAX),
                Agg("APP_CREDIT_RATIO", ("mean",)),
                Agg("DAYS_DECISION", ALL),
                Agg("CNT_PAYMENT", ("mean",)),
                Agg("PAYMENT_RATE", ("mean",)),
            ),
        ),
    ),
    post=(
        Post(
            "PREV_APPROVED_SHARE",
            "{PREV_APPROVED_COUNT} / NULLIF({PREV_COUNT}, 0)",
            "share",
            "Share of previous applications approved",
            "Part des demandes précédentes approuvées",
        ),
        Post(
            "PREV_REFUSED_SHARE",
            "{PREV_REFUSED_COUNT} / NULLIF({PREV_COUNT}, 0)",
            "share",
            "Share of previous applications refused",
            "Part des demandes précédentes refusées",
        ),
    ),
)

# --- POS_CASH_balance --------------------------------------------------------------------------------

POS_CASH_BALANCE = TableSpec(
    table="POS_CASH_balance",
    prefix="POS",
    terms={
        "MONTHS_BALANCE": Term("month of {rows}", "months", date=True, fr="mois des {rows}"),
        "CNT_INSTALMENT": Term("term (instalments) of {rows}", "count", fr="durée (en échéances) des {rows}"),
        "CNT_INSTALMENT_FUTURE": Term(
            "instalments left to pay in {rows}", "count", fr="échéances restant à payer dans les {rows}"
        ),
        "SK_DPD": Term("days past due in {rows}", "days", fr="jours de retard dans les {rows}"),
        "SK_DPD_DEF": Term(
            "days past due (with tolerance) in {rows}",
            "days",
            fr="jours de retard (avec tolérance) dans les {rows}",
        ),
        "NAME_CONTRACT_STATUS": Term("contract status", "code", fr="statut du contrat"),
    },
    derived=(
        Derived(
            "LATE",
            _flag("SK_DPD > 0"),
            _share_flag(
                "late month", "Share of {rows} past due", "mois en retard", "Part des {rows} en retard"
            ),
        ),
        Derived(
            "LATE_DEF",
            _flag("SK_DPD_DEF > 0"),
            _share_flag(
                "late month",
                "Share of {rows} past due (with tolerance)",
                "mois en retard",
                "Part des {rows} en retard (avec tolérance)",
            ),
        ),
        Derived(
            "REMAINING_SHARE",
            "CNT_INSTALMENT_FUTURE / NULLIF(CNT_INSTALMENT, 0)",
            Term(
                "share of instalments left to pay in {rows}",
                "share",
                fr="part des échéances restant à payer dans les {rows}",
            ),
        ),
    ),
    subsets=(
        Subset(
            name="",
            where=None,
            rows="monthly POS and cash loan statements",
            rows_fr="relevés mensuels des prêts en magasin et personnels",
            aggs=(
                Agg("MONTHS_BALANCE", ALL),
                Agg("CNT_INSTALMENT", MEAN_MAX),
                Agg("CNT_INSTALMENT_FUTURE", MEAN_MAX),
                Agg("REMAINING_SHARE", ("mean",)),
                Agg("SK_DPD", MAX_MEAN_SUM),
                Agg("SK_DPD_DEF", MEAN_MAX),
                Agg("LATE", ("mean",)),
                Agg("LATE_DEF", ("mean",)),
            ),
            shares=("NAME_CONTRACT_STATUS",),
        ),
        Subset(
            name="LAST12M",
            where="MONTHS_BALANCE >= -12",
            rows="monthly POS and cash loan statements of the last 12 months",
            rows_fr="relevés mensuels des prêts en magasin et personnels des 12 derniers mois",
            aggs=(
                Agg("CNT_INSTALMENT_FUTURE", ("mean",)),
                Agg("REMAINING_SHARE", ("mean",)),
                Agg("SK_DPD", MEAN_MAX),
                Agg("SK_DPD_DEF", MEAN_MAX),
                Agg("LATE", ("mean",)),
                Agg("LATE_DEF", ("mean",)),
            ),
            shares=("NAME_CONTRACT_STATUS",),
        ),
    ),
)

# --- installments_payments ---------------------------------------------------------------------------

_DELAY = "DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT"

INSTALLMENTS_PAYMENTS = TableSpec(
    table="installments_payments",
    prefix="INST",
    terms={
        "NUM_INSTALMENT_NUMBER": Term(
            "instalment number of {rows}", "count", fr="numéro d'échéance des {rows}"
        ),
        "DAYS_INSTALMENT": Term("due date of {rows}", "days", date=True, fr="date d'échéance des {rows}"),
        "DAYS_ENTRY_PAYMENT": Term(
            "payment date of {rows}", "days", date=True, fr="date de paiement des {rows}"
        ),
        "AMT_INSTALMENT": Term("amount due of {rows}", "currency", fr="montant dû des {rows}"),
        "AMT_PAYMENT": Term("amount paid of {rows}", "currency", fr="montant payé des {rows}"),
    },
    derived=(
        Derived("DPD", _clip_positive(_DELAY), Term("delay of {rows}", "days", fr="retard des {rows}")),
        Derived(
            "DBD",
            _clip_positive("DAYS_INSTALMENT - DAYS_ENTRY_PAYMENT"),
            Term("advance of {rows}", "days", fr="avance des {rows}"),
        ),
        Derived(
            "PAYMENT_RATIO",
            "AMT_PAYMENT / NULLIF(AMT_INSTALMENT, 0)",
            Term("amount paid / amount due of {rows}", "ratio", fr="montant payé / montant dû des {rows}"),
        ),
        Derived(
            "PAYMENT_DIFF",
            "AMT_INSTALMENT - AMT_PAYMENT",
            Term(
                "amount due minus amount paid of {rows}",
                "currency",
                fr="montant dû moins montant payé des {rows}",
            ),
        ),
        Derived(
            "LATE",
            _flag(f"{_DELAY} > 0"),
            _share_flag(
                "late payment",
                "Share of {rows} paid late",
                "paiement en retard",
                "Part des {rows} payés en retard",
            ),
        ),
        Derived(
            "LATE_30",
            _flag(f"{_DELAY} > 30"),
            _share_flag(
                "payment over 30 days late",
                "Share of {rows} paid over 30 days late",
                "paiement à plus de 30 jours de retard",
                "Part des {rows} payés avec plus de 30 jours de retard",
            ),
        ),
        Derived(
            "SHORT",
            _flag("AMT_PAYMENT < AMT_INSTALMENT"),
            _share_flag(
                "short payment",
                "Share of {rows} paid less than due",
                "paiement partiel",
                "Part des {rows} payés en dessous du montant dû",
            ),
        ),
    ),
    subsets=(
        Subset(
            name="",
            where=None,
            rows="instalment payments",
            rows_fr="paiements d'échéances",
            aggs=(
                Agg("NUM_INSTALMENT_NUMBER", ("max",)),
                Agg("DPD", ("max", "mean", "sum", "std")),
                Agg("DBD", MAX_MEAN_SUM),
                Agg("PAYMENT_RATIO", ("mean", "min", "max", "std")),
                Agg("PAYMENT_DIFF", MAX_MEAN_SUM),
                Agg("LATE", ("mean", "sum")),
                Agg("LATE_30", ("mean",)),
                Agg("SHORT", ("mean", "sum")),
                Agg("AMT_INSTALMENT", MAX_MEAN_SUM),
                Agg("AMT_PAYMENT", ("min", "max", "mean", "sum")),
                Agg("DAYS_INSTALMENT", ("min", "max")),
                Agg("DAYS_ENTRY_PAYMENT", ("mean", "max")),
            ),
        ),
        Subset(
            name="LAST12M",
            where="DAYS_INSTALMENT >= -365",
            rows="instalment payments of the last 12 months",
            rows_fr="paiements d'échéances des 12 derniers mois",
            aggs=(
                Agg("DPD", MAX_MEAN_SUM),
                Agg("DBD", MEAN_MAX),
                Agg("PAYMENT_RATIO", ("mean", "min")),
                Agg("PAYMENT_DIFF", ("mean", "sum")),
                Agg("LATE", ("mean",)),
                Agg("LATE_30", ("mean",)),
                Agg("SHORT", ("mean",)),
                Agg("AMT_INSTALMENT", ("sum",)),
                Agg("AMT_PAYMENT", ("sum",)),
            ),
        ),
    ),
)

# --- credit_card_balance -----------------------------------------------------------------------------

CREDIT_CARD_BALANCE = TableSpec(
    table="credit_card_balance",
    prefix="CC",
    terms={
        "SK_ID_PREV": Term(
            "credit cards in {rows}",
            "count",
            fr="cartes dans les {rows}",
            labels_fr={"distinct": "Nombre de cartes de crédit distinctes dans les {rows}"},
        ),
        "MONTHS_BALANCE": Term("month of {rows}", "months", date=True, fr="mois des {rows}"),
        "AMT_BALANCE": Term("balance on {rows}", "currency", fr="solde des {rows}"),
        "AMT_CREDIT_LIMIT_ACTUAL": Term("credit limit on {rows}", "currency", fr="plafond des {rows}"),
        "AMT_DRAWINGS_ATM_CURRENT": Term(
            "cash withdrawn at ATMs on {rows}", "currency", fr="retraits aux distributeurs des {rows}"
        ),
        "AMT_DRAWINGS_CURRENT": Term("amount drawn on {rows}", "currency", fr="montant utilisé des {rows}"),
        "AMT_DRAWINGS_OTHER_CURRENT": Term(
            "other drawings on {rows}", "currency", fr="autres utilisations des {rows}"
        ),
        "AMT_DRAWINGS_POS_CURRENT": Term("purchases on {rows}", "currency", fr="achats des {rows}"),
        "AMT_INST_MIN_REGULARITY": Term(
            "minimum instalment on {rows}", "currency", fr="mensualité minimale des {rows}"
        ),
        "AMT_PAYMENT_CURRENT": Term("payment on {rows}", "currency", fr="versement des {rows}"),
        "AMT_PAYMENT_TOTAL_CURRENT": Term(
            "total payment on {rows}", "currency", fr="versement total des {rows}"
        ),
        "AMT_RECEIVABLE_PRINCIPAL": Term(
            "principal receivable on {rows}", "currency", fr="capital à recevoir des {rows}"
        ),
        "AMT_RECIVABLE": Term("amount receivable on {rows}", "currency", fr="montant à recevoir des {rows}"),
        "AMT_TOTAL_RECEIVABLE": Term(
            "total amount receivable on {rows}", "currency", fr="montant total à recevoir des {rows}"
        ),
        "CNT_DRAWINGS_ATM_CURRENT": Term(
            "number of ATM withdrawals on {rows}",
            "count",
            fr="nombre de retraits aux distributeurs des {rows}",
        ),
        "CNT_DRAWINGS_CURRENT": Term(
            "number of drawings on {rows}", "count", fr="nombre d'utilisations des {rows}"
        ),
        "CNT_DRAWINGS_POS_CURRENT": Term(
            "number of purchases on {rows}", "count", fr="nombre d'achats des {rows}"
        ),
        "CNT_INSTALMENT_MATURE_CUM": Term(
            "instalments paid at {rows}", "count", fr="échéances payées à la date des {rows}"
        ),
        "SK_DPD": Term("days past due on {rows}", "days", fr="jours de retard des {rows}"),
        "SK_DPD_DEF": Term(
            "days past due (with tolerance) on {rows}",
            "days",
            fr="jours de retard (avec tolérance) des {rows}",
        ),
        "NAME_CONTRACT_STATUS": Term("contract status", "code", fr="statut du contrat"),
    },
    derived=(
        Derived(
            "UTILISATION",
            "AMT_BALANCE / NULLIF(AMT_CREDIT_LIMIT_ACTUAL, 0)",
            Term(
                "utilisation (balance / limit) of {rows}",
                "ratio",
                fr="utilisation (solde / plafond) des {rows}",
            ),
        ),
        Derived(
            "DRAWINGS_LIMIT_RATIO",
            "AMT_DRAWINGS_CURRENT / NULLIF(AMT_CREDIT_LIMIT_ACTUAL, 0)",
            Term("amount drawn / limit on {rows}", "ratio", fr="montant utilisé / plafond des {rows}"),
        ),
        Derived(
            "PAYMENT_MIN_RATIO",
            "AMT_PAYMENT_TOTAL_CURRENT / NULLIF(AMT_INST_MIN_REGULARITY, 0)",
            Term(
                "payment / minimum instalment on {rows}",
                "ratio",
                fr="versement / mensualité minimale des {rows}",
            ),
        ),
        Derived(
            "LATE",
            _flag("SK_DPD > 0"),
            _share_flag(
                "late month", "Share of {rows} past due", "mois en retard", "Part des {rows} en retard"
            ),
        ),
        Derived(
            "BELOW_MIN",
            _flag("AMT_PAYMENT_TOTAL_CURRENT < AMT_INST_MIN_REGULARITY"),
            _share_flag(
                "payment below minimum",
                "Share of {rows} paid below the minimum instalment",
                "paiement sous le minimum",
                "Part des {rows} payés en dessous de la mensualité minimale",
            ),
        ),
    ),
    subsets=(
        Subset(
            name="",
            where=None,
            rows="monthly credit card statements",
            rows_fr="relevés mensuels de carte de crédit",
            aggs=(
                Agg("SK_ID_PREV", ("distinct",)),
                Agg("MONTHS_BALANCE", ("min",)),
                Agg("AMT_BALANCE", MEAN_MAX),
                Agg("AMT_CREDIT_LIMIT_ACTUAL", MEAN_MAX),
                Agg("AMT_DRAWINGS_ATM_CURRENT", MAX_MEAN_SUM),
                Agg("AMT_DRAWINGS_CURRENT", MAX_MEAN_SUM),
                Agg("AMT_DRAWINGS_OTHER_CURRENT", ("mean",)),
                Agg("AMT_DRAWINGS_POS_CURRENT", MEAN_MAX),
                Agg("AMT_INST_MIN_REGULARITY", MEAN_MAX),
                Agg("AMT_PAYMENT_CURRENT", ("mean", "sum")),
                Agg("AMT_PAYMENT_TOTAL_CURRENT", ("mean", "sum")),
                Agg("AMT_RECEIVABLE_PRINCIPAL", ("mean",)),
                Agg("AMT_RECIVABLE", ("mean",)),
                Agg("AMT_TOTAL_RECEIVABLE", MEAN_MAX),
                Agg("CNT_DRAWINGS_ATM_CURRENT", MEAN_MAX),
                Agg("CNT_DRAWINGS_CURRENT", MEAN_MAX),
                Agg("CNT_DRAWINGS_POS_CURRENT", ("mean",)),
                Agg("CNT_INSTALMENT_MATURE_CUM", MEAN_MAX),
                Agg("SK_DPD", MEAN_MAX),
                Agg("SK_DPD_DEF", MEAN_MAX),
                Agg("UTILISATION", MEAN_MAX),
                Agg("DRAWINGS_LIMIT_RATIO", ("mean",)),
                Agg("PAYMENT_MIN_RATIO", ("mean", "min")),
                Agg("LATE", ("mean",)),
                Agg("BELOW_MIN", ("mean",)),
            ),
            shares=("NAME_CONTRACT_STATUS",),
        ),
        Subset(
            name="LAST12M",
            where="MONTHS_BALANCE >= -12",
            rows="monthly credit card statements of the last 12 months",
            rows_fr="relevés mensuels de carte de crédit des 12 derniers mois",
            aggs=(
                Agg("AMT_BALANCE", MEAN_MAX),
                Agg("UTILISATION", MEAN_MAX),
                Agg("AMT_DRAWINGS_CURRENT", ("mean",)),
                Agg("CNT_DRAWINGS_CURRENT", ("mean",)),
                Agg("AMT_PAYMENT_TOTAL_CURRENT", ("mean",)),
                Agg("PAYMENT_MIN_RATIO", ("mean",)),
                Agg("SK_DPD", MEAN_MAX),
                Agg("LATE", ("mean",)),
                Agg("BELOW_MIN", ("mean",)),
            ),
        ),
    ),
)

TABLE_SPECS: tuple[TableSpec, ...] = (
    BUREAU,
    PREVIOUS_APPLICATION,
    POS_CASH_BALANCE,
    INSTALLMENTS_PAYMENTS,
    CREDIT_CARD_BALANCE,
)
