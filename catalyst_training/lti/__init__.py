"""Everything LTI. The only package that imports pylti1p3."""
