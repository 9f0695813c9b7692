from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from anirena.stats import charts, services
from anirena.torrents.names import translate_category_name

# strftime-like formats of django.utils.dateformat for the x axis of each period.
AXIS_FORMATS = {"day": "M j", "week": "M j", "month": "M Y"}


def stats(request):
    period = request.GET.get("period")
    if period not in services.PERIODS:
        period = services.DEFAULT_PERIOD
    figures = services.cached_figures(period)
    points = [(formats.date_format(start, AXIS_FORMATS[period]), total) for start, total in figures["over_time"]]
    # The cached figures hold the stored English names, shared by every language.
    per_category = [(translate_category_name(name), total) for name, total in figures["per_category"]]
    rows, rows_height = charts.bar_rows(per_category)
    context = {
        "totals": figures["totals"],
        "counted_at": figures["counted_at"],
        "period": period,
        "periods": [(key, str(label)) for key, label in _period_labels().items()],
        "over_time": charts.column_chart(points),
        "over_time_total": sum(total for _start, total in figures["over_time"]),
        "category_rows": rows,
        "category_height": rows_height,
        "chart_width": charts.WIDTH,
        "label_width": charts.LABEL_WIDTH,
    }
    return render(request, "stats/stats.html", context)


def _period_labels() -> dict:
    # Built per request so the labels follow the visitor's language.
    return {"day": _("Per day"), "week": _("Per week"), "month": _("Per month")}
