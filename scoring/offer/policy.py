"""The offer's whole policy in one value: affordability, price grades, usury thresholds and the product."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring.offer.affordability import AffordabilityPolicy, affordability_policy
from scoring.offer.pricing import Pricer
from scoring.offer.product import ProductPolicy, product_policy
from scoring.offer.usury import UsuryPolicy, usury_policy


@dataclass(frozen=True)
class OfferPolicy:
    """The four policy files as read (each by its own module)."""

    affordability: AffordabilityPolicy = field(default_factory=affordability_policy)
    pricer: Pricer = field(default_factory=Pricer)
    usury: UsuryPolicy = field(default_factory=usury_policy)
    product: ProductPolicy = field(default_factory=product_policy)
