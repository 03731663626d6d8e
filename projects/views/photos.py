"""Photos and their thumbnails, for logged-in users only: uploads live under MEDIA_ROOT, which
is never served as a public URL."""

import mimetypes

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from projects.models import Photo


class PhotoView(LoginRequiredMixin, View):
    field = "image"

    def get(self, request, pk):
        photo = get_object_or_404(Photo, pk=pk)
        stored = getattr(photo, self.field)
        if not stored:
            raise Http404
        try:
            handle = stored.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ThumbnailView(PhotoView):
    field = "thumbnail"
