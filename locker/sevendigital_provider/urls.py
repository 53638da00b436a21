from allauth.socialaccount.providers.oauth.urls import default_urlpatterns

from locker.sevendigital_provider.provider import SevenDigitalProvider

urlpatterns = default_urlpatterns(SevenDigitalProvider)
