"""Prevention statistics: the figures, the chat view, the text, HTML, chart and table renderers,
and the weekly digest."""
