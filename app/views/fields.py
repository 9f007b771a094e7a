"""Form fields that take what Danes type."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_babel import gettext
from wtforms import Field

from app.rules.numbers import parse_danish_decimal
from app.views.formatting import danish_decimal


class DanishDecimalField(Field):
    """A number with a decimal comma and '.' between thousands (95,04; 1.234,5), shown the
    same way; a text that could be read two ways (95.04) is refused with a Danish message and
    nothing is saved. Left empty, there is no number."""

    widget = BS3TextFieldWidget()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else danish_decimal(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_danish_decimal(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(gettext(str(error))) from None
