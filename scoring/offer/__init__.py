"""The offer: affordability, risk-based price, APR, and the search of the amount and term a client is given.

Policy is data beside the code (`affordability.json`, `pricing.json`, `usury.json`, `product.json`), each read
by one module; the search (`search.py`) knows no model: it is given the probability of default of candidate
(amount, instalment) pairs in one vectorised call.
"""
