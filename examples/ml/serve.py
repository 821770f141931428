"""Sentiment and transcription API for the support team."""

import os

import redis
import uvicorn
import whisper
from fastapi import FastAPI, HTTPException, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from transformers import pipeline

app = FastAPI(debug=True)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://support.example", "https://admin.support.example"],
    allow_methods=["*"],
)

API_TOKEN = os.environ["API_TOKEN"]
MODEL_DIR = "/home/deploy/models/whisper"


@app.post("/sentiment")
def sentiment(text: str):
    classifier = pipeline("sentiment-analysis", model="distilbert-base-uncased-finetuned-sst-2-english")
    cache = redis.Redis(host="redis", port=6379)
    result = classifier(text)[0]
    cache.set(text, result["label"])
    return result


@app.post("/transcribe")
async def transcribe(audio: UploadFile):
    model = whisper.load_model("base", download_root=MODEL_DIR)
    try:
        return {"text": model.transcribe(await audio.read())["text"]}
    except RuntimeError as err:
        raise HTTPException(status_code=500, detail=f"transcription failed: {err}")


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
