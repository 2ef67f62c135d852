from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = "Fees"

    def ready(self):
        from core.email import register_attachment
        from networks import annual_fee, sections

        from .pdf import invoice_attachment
        from .sections import annual_fee_words, fee_section

        sections.register(fee_section)
        sections.fetch_with_network("fee_scheme")
        annual_fee.register(annual_fee_words)
        register_attachment("fee_invoice_pdf", invoice_attachment)
