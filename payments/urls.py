from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    # A member's own money (pk: their participant profile).
    path("me/money/<int:pk>/", views.StatementView.as_view(), name="statement"),
    path("me/money/<int:pk>/how-paid/", views.PaymentChoiceView.as_view(), name="choice"),
    path("me/money/<int:pk>/benefits/", views.BenefitsView.as_view(), name="benefits"),
    path("me/money/<int:pk>/expense/", views.ExpenseCreateView.as_view(), name="expense_new"),
    # Coordinators.
    path("people/<int:pk>/expense/", views.ExpenseForView.as_view(), name="expense_for"),
    path("payments/approve/", views.ApprovalsView.as_view(), name="approvals"),
    path("payments/claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim"),
    path("payments/claims/<int:pk>/receipt/", views.ReceiptDownloadView.as_view(), name="receipt"),
    path("payments/claims/<int:pk>/approve/", views.ClaimApproveView.as_view(), name="approve"),
    path(
        "payments/claims/<int:pk>/voucher-code/",
        views.VoucherCodeRevealView.as_view(),
        name="voucher_code",
    ),
    path("payments/claims/<int:pk>/reject/", views.ClaimRejectView.as_view(), name="reject"),
    path("projects/<int:pk>/payment-policy/", views.PolicyView.as_view(), name="policy"),
    # Finance.
    path("payments/queue/", views.FinanceQueueView.as_view(), name="queue"),
    path("payments/rates/", views.RateCardsView.as_view(), name="rates"),
    path("payments/ledger/<int:pk>/reverse/", views.LedgerReverseView.as_view(), name="reverse"),
    path("payments/export.csv", views.PaymentsExportView.as_view(), name="export"),
    path("payments/tax-year/", views.TaxYearView.as_view(), name="tax_year_summary"),
    path("payments/tax-year.csv", views.TaxYearExportView.as_view(), name="tax_year"),
]
