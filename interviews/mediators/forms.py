from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.db.models import Q

from ceis.partners.models import PartnerBody

from ..models import Mediator


class MediatorForm(forms.ModelForm):
    class Meta:
        model = Mediator
        fields = ["name", "languages", "sex", "body", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.body_id or 0
        self.fields["body"].queryset = PartnerBody.objects.filter(Q(active=True) | Q(pk=current))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(Div("name", css_class="col-md-6"), Div("languages", css_class="col-md-6"), css_class="row"),
            Div(Div("sex", css_class="col-md-4"), Div("body", css_class="col-md-8"), css_class="row"),
            "active",
        )
