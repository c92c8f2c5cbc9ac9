from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import roles, selectors

ROLE_CHOICES = [
    (roles.OPERATOR, _("Operator")),
    (roles.COORDINATOR, _("Coordinator")),
    (roles.ADMIN, _("Admin")),
    (roles.PARTNER, _("Partner body (referral portal)")),
    (roles.NETWORK, _("Network (statistics only)")),
]

PARTNER_BODY_REQUIRED = _("A partner account needs the partner body it works for.")


class LoginForm(AuthenticationForm):
    # ``request`` named in the signature: the login wizard passes it only to forms that declare it, and
    # django-axes needs it to count the failure.
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if data.get("role") == roles.PARTNER:
            if not data.get("partner_body") and "partner_body" not in self.errors:
                self.add_error("partner_body", PARTNER_BODY_REQUIRED)
        else:
            data["partner_body"] = None  # only partner accounts belong to a body
        return data


class UserFilterForm(forms.Form):
    """Search and filters of the accounts list (GET: names typed here are staff names, never a person's)."""

    STATUS_CHOICES = [
        (selectors.STATUS_ACTIVE, _("Active only")),
        (selectors.STATUS_INACTIVE, _("Inactive only")),
        (selectors.STATUS_ALL, _("Active and inactive")),
    ]

    q = forms.CharField(label=_("User name, name or e-mail"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if choice else "form-control form-control-sm"
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict[str, str]:
        data: dict = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "role": data.get("role") or "",
            "status": data.get("status") or selectors.STATUS_ACTIVE,
        }


class UserForm(forms.ModelForm):
    """An account as an admin sees it: no password field, ever (the owner chooses it through the e-mailed link)."""

    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "language", "sex", "partner_body"]

    def __init__(self, *args, **kwargs):
        from ceis.partners.selectors import active_bodies

        super().__init__(*args, **kwargs)
        self.fields["partner_body"].queryset = active_bodies(self.instance.partner_body_id)
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.pk:
            del self.fields["username"]
            current = [r for r in roles.ALL if self.instance.has_role(r)]
            self.fields["role"].initial = current[0] if current else None
        self.helper = FormHelper()
        self.helper.form_tag = False
