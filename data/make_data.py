"""Writes the small public tabular data sets PrivLab ships, as CSV with a header (feature names,
then `label`), from the copies bundled with scikit-learn (run in a throw-away virtualenv):

    bench/.venv/bin/python data/make_data.py

Sources and licences are in data/README.md. The values are written unchanged.
"""
import csv
import os

from sklearn import datasets

here = os.path.dirname(os.path.abspath(__file__))
for name, loader in [("digits", datasets.load_digits), ("breast_cancer", datasets.load_breast_cancer),
                     ("wine", datasets.load_wine)]:
    d = loader()
    names = [str(n).replace(" ", "_") for n in d.feature_names]
    with open(os.path.join(here, f"{name}.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(names + ["label"])
        for row, y in zip(d.data, d.target):
            w.writerow([repr(float(v)).removesuffix(".0") if float(v).is_integer() else repr(float(v)) for v in row] + [int(y)])
    with open(os.path.join(here, f"{name}.classes"), "w") as f:
        f.write("\n".join(str(c) for c in d.target_names) + "\n")
    print(name, d.data.shape, list(d.target_names))
