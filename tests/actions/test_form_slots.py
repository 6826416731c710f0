"""The forms' slot lists come from the domain (actions/forms/slots.py): what a form clears is what Rasa asks."""

from actions.forms import appointment, workorder
from actions.forms.common import reset
from actions.forms.slots import form_slots, required_slots


def test_required_slots_are_read_from_the_domain_in_order():
    assert required_slots("appointment_form") == (
        appointment.ITEM,
        appointment.PLACE,
        appointment.DATE,
        appointment.SLOT,
        appointment.PHONE,
        appointment.CONFIRM,
    )
    assert required_slots("progress_form") == ("application_no",)
    assert required_slots("no_such_form") == ()


def test_reset_clears_every_slot_of_the_form_and_the_kind_set_before_it():
    cleared = {event["name"] for event in reset(workorder.FORM) if event["value"] is None}
    assert set(form_slots(workorder.FORM)) | {"requested_slot"} <= cleared
    assert workorder.KIND in cleared and workorder.CONTENT in cleared
