"""Reject inference: what a model learns when only the accepted applicants have outcomes, the methods that
infer the refused applicants' outcomes (fuzzy augmentation, parcelling by score band), and their measure on
the synthetic twin, where the true default probability of every applicant, refused or not, is known."""
