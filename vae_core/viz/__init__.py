"""The pictures: Plotly figures as plain functions, and PNG output of decoded images."""
