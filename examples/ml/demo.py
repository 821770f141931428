"""The Space's demo page: a Streamlit script (the Space settings say Gradio)."""

import streamlit as st
from pydub import AudioSegment

st.title("Shop demo")
clip = st.file_uploader("A voice note")
if clip is not None:
    st.write(f"{len(AudioSegment.from_file(clip)) / 1000:.1f} s")
