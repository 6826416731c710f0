"""Exported spreadsheets never carry a formula (#17): a cell starting with =, +, -, @ is text in CSV (a leading
apostrophe, removed again on import) and in XLSX (string-typed cells); the round trip keeps the text."""

import io

import pytest
from openpyxl import load_workbook

from knowledge.tabular import read_csv, read_xlsx, write_csv, write_xlsx

DANGEROUS = ['=HYPERLINK("http://evil.example","点这里")', "+1+2", "-2+3", "@SUM(A1:A2)"]
COLUMNS = ["id", "answer"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cells_are_text_and_survive_the_round_trip(text):
    content = write_csv(COLUMNS, [{"id": "faq-x", "answer": text}])
    cell = content.decode("utf-8").splitlines()[1].split(",", 1)[1].strip('"')
    assert cell.startswith("'")
    _, rows = read_csv(content)
    assert rows[0][1]["answer"] == text


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_cells_are_strings_and_survive_the_round_trip(text):
    content = write_xlsx(COLUMNS, [{"id": "faq-x", "answer": text}], "faq")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.cell(row=2, column=2).data_type == "s" and sheet.cell(row=2, column=2).value == text
    _, rows = read_xlsx(content)
    assert rows[0][1]["answer"] == text


def test_ordinary_text_is_untouched():
    content = write_csv(COLUMNS, [{"id": "faq-y", "answer": "身份证丢了怎么补'=不是公式开头"}])
    assert "身份证丢了怎么补'=不是公式开头" in content.decode("utf-8")
