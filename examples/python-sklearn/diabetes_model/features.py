"""What the model may read, and the columns every data file of the example has."""

ID_COLUMN = "patient_id"
LABEL_COLUMN = "fast_progression"
# Fairness is measured on these; the model reads sex on purpose (see README: lab values have
# sex-specific reference ranges) and never reads age or age_band.
SENSITIVE_ATTRIBUTES = ["sex", "age_band"]
# Baseline measurements of the 1994 study: sex (1 or 2, as the source codes it), body mass
# index, mean arterial blood pressure and six blood serum measurements.
FEATURES = ["sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
